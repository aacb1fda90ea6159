"""Codes that turn cross-entropy into bits you can count.

* :mod:`.prefix`: one codeword per symbol (Shannon and Huffman codes);
* :mod:`.arithmetic`: one codeword per message, from a range coder that any model
  of the next symbol can drive.
"""

from .arithmetic import arithmetic_decode, arithmetic_encode
from .prefix import PrefixCode, huffman_code, shannon_code, shannon_code_lengths

__all__ = [
    "PrefixCode",
    "arithmetic_decode",
    "arithmetic_encode",
    "huffman_code",
    "shannon_code",
    "shannon_code_lengths",
]
