"""Book tooling (not part of the ``xentbook`` package). Run each command from a clone's root:

``python -m tools.student_edition OUT``
    the student edition: notebooks, HTML and PDF without solutions;
``python -m tools.pdf OUT``
    the whole book as PDF, instructor and student editions, and the API reference;
``python -m tools.instructor_pack OUT``
    the instructor pack: exam bank, instructor PDF and every figure as SVG and PNG;
``python -m tools.coverage``
    the instructor guide's table of how many problems and exam questions assess each
    learning objective (``--check`` only compares).
"""
