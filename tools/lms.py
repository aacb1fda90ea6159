"""The exam bank for learning-management systems: QTI 1.2 and Moodle XML.

From the root of a clone::

    python -m tools.lms OUT [--chapters 1-4]

writes into ``OUT``

* ``xentbook-exam-bank-qti.zip``: an IMS content package (``imsmanifest.xml`` and one QTI 1.2
  assessment), which Canvas (Settings, Import course content, "QTI .zip file"), Blackboard and
  Moodle import;
* ``xentbook-exam-bank-moodle.xml``: Moodle's own question format, one category per chapter.

Multiple-choice questions carry their correct letter, numerical questions their value and
tolerance, and written questions become essay questions with the model answer as feedback for
the grader. Math is written for MathJax, ``\\(...\\)`` inline and ``\\[...\\]`` displayed, which
Canvas and Moodle's MathJax filter render. Like the bank, the files are for instructors only.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from tools._book import chapters as book_chapters
from tools._build import project_root
from tools.exam_bank import (
    LETTERS,
    bank_parser,
    load,
    objectives_of,
    plain_roles,
    run_command,
    validate,
)

__all__ = ["QTI_NS", "html", "main", "moodle_xml", "qti_assessment", "write_lms"]

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
_CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
_QTI_TYPES = {"mcq": "multiple_choice_question", "numeric": "numerical_question"}
_MOODLE_TYPES = {"mcq": "multichoice", "numeric": "numerical", "short": "essay"}


def _math(content: str, options: dict) -> str:
    # Escaped for HTML; MathJax reads the delimiters in the page's text.
    text = content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"\\[{text}\\]" if options.get("display_mode") else f"\\({text}\\)"


_MARKDOWN = MarkdownIt("commonmark").use(dollarmath_plugin, renderer=_math)


def html(markdown: str) -> str:
    r"""Markdown with ``$...$`` math as HTML with MathJax delimiters.

    Examples
    --------
    >>> html("The loss is $-\\log q$, in *nats*.")
    '<p>The loss is <span class="math inline">\\(-\\log q\\)</span>, in <em>nats</em>.</p>\n'
    """
    return _MARKDOWN.render(plain_roles(markdown).strip())


def _text(parent: ET.Element, tag: str, text: str, **attrib) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    element.text = text
    return element


def _material(parent: ET.Element, markdown: str) -> None:
    material = ET.SubElement(parent, "material")
    _text(material, "mattext", html(markdown), texttype="text/html")


def _qti_item(section: ET.Element, q: dict) -> None:
    item = ET.SubElement(section, "item", ident=q["id"], title=q["id"])
    fields = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", _QTI_TYPES.get(q["type"], "essay_question")),
        ("points_possible", str(q["points"])),
    ):
        field = ET.SubElement(fields, "qtimetadatafield")
        _text(field, "fieldlabel", label)
        _text(field, "fieldentry", entry)
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, q["question"])
    processing = ET.SubElement(item, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(
        outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"
    )
    if q["type"] == "mcq":
        response = ET.SubElement(
            presentation, "response_lid", ident="response1", rcardinality="Single"
        )
        render = ET.SubElement(response, "render_choice")
        for letter, choice in zip(LETTERS, q["choices"], strict=False):
            _material(ET.SubElement(render, "response_label", ident=letter), choice)
        condition = _full_marks(processing)
        _text(condition, "varequal", q["correct"], respident="response1")
    else:
        response = ET.SubElement(
            presentation, "response_str", ident="response1", rcardinality="Single"
        )
        fib = ET.SubElement(
            response, "render_fib", fibtype="Decimal" if q["type"] == "numeric" else "String"
        )
        ET.SubElement(fib, "response_label", ident="answer1", rshuffle="No")
    if q["type"] == "numeric":
        within = ET.SubElement(ET.SubElement(_full_marks(processing), "or"), "and")
        value, tolerance = q["value"], q["tolerance"]
        _text(within, "vargte", repr(value - tolerance), respident="response1")
        _text(within, "varlte", repr(value + tolerance), respident="response1")
    feedback = ET.SubElement(item, "itemfeedback", ident="general_fb")
    _material(ET.SubElement(feedback, "flow_mat"), q["answer"])


def _full_marks(processing: ET.Element) -> ET.Element:
    """A response condition that sets the score to 100; returns its empty condition."""
    condition = ET.SubElement(
        processing, "respcondition", title="correct", attrib={"continue": "No"}
    )
    test = ET.SubElement(condition, "conditionvar")
    _text(condition, "setvar", "100", action="Set", varname="SCORE")
    return test


def qti_assessment(questions: list[dict], title: str) -> ET.Element:
    """The questions as one QTI 1.2 assessment (``questestinterop``)."""
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = ET.SubElement(root, "assessment", ident="xentbook-exam-bank", title=title)
    section = ET.SubElement(assessment, "section", ident="root_section")
    for q in questions:
        _qti_item(section, q)
    return root


def _manifest(assessment_file: str) -> ET.Element:
    manifest = ET.Element("manifest", identifier="xentbook-exam-bank-package", xmlns=_CP_NS)
    metadata = ET.SubElement(manifest, "metadata")
    _text(metadata, "schema", "IMS Content")
    _text(metadata, "schemaversion", "1.1.3")
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(
        resources,
        "resource",
        identifier="xentbook-exam-bank",
        type="imsqti_xmlv1p2",
        href=assessment_file,
    )
    ET.SubElement(resource, "file", href=assessment_file)
    return manifest


def moodle_xml(questions: list[dict], titles: dict[int, str]) -> ET.Element:
    """The questions in Moodle's XML format, one category per chapter."""
    quiz = ET.Element("quiz")
    for number in sorted({q["chapter"] for q in questions}):
        category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
        _text(category, "text", f"$course$/xentbook/Chapter {number}: {titles.get(number, '')}")
        for q in (q for q in questions if q["chapter"] == number):
            _moodle_question(quiz, q)
    return quiz


def _moodle_question(quiz: ET.Element, q: dict) -> None:
    question = ET.SubElement(quiz, "question", type=_MOODLE_TYPES[q["type"]])
    _text(ET.SubElement(question, "name"), "text", q["id"])
    _text(ET.SubElement(question, "questiontext", format="html"), "text", html(q["question"]))
    _text(ET.SubElement(question, "generalfeedback", format="html"), "text", html(q["answer"]))
    _text(question, "defaultgrade", str(q["points"]))
    if q["type"] == "mcq":
        for tag, value in (
            ("single", "true"),
            ("shuffleanswers", "false"),
            ("answernumbering", "ABCD"),
        ):
            _text(question, tag, value)
        for letter, choice in zip(LETTERS, q["choices"], strict=False):
            fraction = "100" if letter == q["correct"] else "0"
            answer = ET.SubElement(question, "answer", fraction=fraction, format="html")
            _text(answer, "text", html(choice))
    elif q["type"] == "numeric":
        answer = ET.SubElement(question, "answer", fraction="100")
        _text(answer, "text", repr(q["value"]))
        _text(answer, "tolerance", repr(q["tolerance"]))
    else:
        _text(question, "responseformat", "editor")
        _text(ET.SubElement(question, "graderinfo", format="html"), "text", html(q["answer"]))


def _write(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def write_lms(
    out: Path, *, chapters: list[int] | None = None, source: Path | None = None
) -> list[Path]:
    """Write the QTI package and the Moodle XML of the bank (or of some chapters); return them."""
    root = project_root(source)
    questions = load(root)
    errors = validate(questions, objectives_of(root))
    if errors:
        raise ValueError("the exam bank is not valid:\n" + "\n".join(errors))
    if chapters is not None:
        questions = [q for q in questions if q["chapter"] in chapters]
    titles = {c.number: c.title for c in book_chapters(root)}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    qti = out / "xentbook-exam-bank-qti.zip"
    with zipfile.ZipFile(qti, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", _write(_manifest("xentbook-exam-bank.xml")))
        package.writestr(
            "xentbook-exam-bank.xml", _write(qti_assessment(questions, "xentbook exam bank"))
        )
    moodle = out / "xentbook-exam-bank-moodle.xml"
    moodle.write_bytes(_write(moodle_xml(questions, titles)))
    return [qti, moodle]


def main(argv: list[str] | None = None) -> int:
    """The command line: ``python -m tools.lms OUT``."""
    parser = bank_parser(
        "python -m tools.lms",
        "Export the exam bank as a QTI 1.2 package (Canvas, Blackboard, Moodle) and as Moodle XML.",
    )
    args = parser.parse_args(argv)
    return run_command(
        parser, lambda: write_lms(args.out, chapters=args.chapters, source=args.source)
    )


if __name__ == "__main__":
    sys.exit(main())
