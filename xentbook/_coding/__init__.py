"""Codes that turn cross-entropy into bits you can count.

* :mod:`.prefix`: one codeword per symbol (Shannon and Huffman codes);
* :mod:`.arithmetic`: one codeword per message, from a range coder that any model
  of the next symbol can drive;
* :mod:`.context`: PPM context models of bytes, fitted or adaptive;
* :mod:`.compress`: the range coder driven by the adaptive model, a real compressor.
"""

from .arithmetic import arithmetic_decode, arithmetic_encode
from .compress import compress, decompress
from .context import ContextModel, TextScore, adaptive_score
from .prefix import PrefixCode, huffman_code, shannon_code, shannon_code_lengths

__all__ = [
    "ContextModel",
    "PrefixCode",
    "TextScore",
    "adaptive_score",
    "arithmetic_decode",
    "arithmetic_encode",
    "compress",
    "decompress",
    "huffman_code",
    "shannon_code",
    "shannon_code_lengths",
]
