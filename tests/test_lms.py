"""Tests for tools.lms: every exported question keeps its answer, tolerance and points."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tools.exam_bank import LETTERS, load
from tools.lms import QTI_NS, main, write_lms

ROOT = Path(__file__).resolve().parents[1]
Q = f"{{{QTI_NS}}}"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[dict, ET.Element, ET.Element]:
    qti, moodle = write_lms(tmp_path_factory.mktemp("lms"))
    with zipfile.ZipFile(qti) as package:
        manifest = ET.fromstring(package.read("imsmanifest.xml"))
        href = manifest.find(".//{*}resource").get("href")
        assert manifest.find(".//{*}resource").get("type") == "imsqti_xmlv1p2"
        assessment = ET.fromstring(package.read(href))
    bank = {q["id"]: q for q in load(ROOT)}
    return bank, assessment, ET.parse(moodle).getroot()


def test_every_question_is_exported_once(exported):
    bank, assessment, moodle = exported
    assert [item.get("ident") for item in assessment.iter(f"{Q}item")] == list(bank)
    names = [
        q.findtext("name/text") for q in moodle.iter("question") if q.get("type") != "category"
    ]
    assert names == list(bank)


def test_qti_keeps_points_letters_values_and_tolerances(exported):
    bank, assessment, _ = exported
    for item in assessment.iter(f"{Q}item"):
        q = bank[item.get("ident")]
        fields = {
            f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry")
            for f in item.iter(f"{Q}qtimetadatafield")
        }
        assert float(fields["points_possible"]) == q["points"]
        condition = item.find(f"{Q}resprocessing/{Q}respcondition/{Q}conditionvar")
        if q["type"] == "mcq":
            labels = [label.get("ident") for label in item.iter(f"{Q}response_label")]
            assert labels == list(LETTERS[: len(q["choices"])])
            assert condition.findtext(f"{Q}varequal") == q["correct"]
        elif q["type"] == "numeric":
            low = float(condition.findtext(f".//{Q}vargte"))
            high = float(condition.findtext(f".//{Q}varlte"))
            assert low == pytest.approx(q["value"] - q["tolerance"], abs=1e-12)
            assert high == pytest.approx(q["value"] + q["tolerance"], abs=1e-12)
        else:
            assert fields["question_type"] == "essay_question"
            assert condition is None


def test_moodle_keeps_points_letters_values_and_tolerances(exported):
    bank, _, moodle = exported
    for question in moodle.iter("question"):
        if question.get("type") == "category":
            continue
        q = bank[question.findtext("name/text")]
        assert float(question.findtext("defaultgrade")) == q["points"]
        answers = question.findall("answer")
        if q["type"] == "mcq":
            right = [LETTERS[i] for i, a in enumerate(answers) if a.get("fraction") == "100"]
            assert right == [q["correct"]]
        elif q["type"] == "numeric":
            assert float(answers[0].findtext("text")) == q["value"]
            assert float(answers[0].findtext("tolerance")) == q["tolerance"]
        else:
            assert question.get("type") == "essay"
            assert question.findtext("graderinfo/text")


def test_math_reaches_the_lms_with_mathjax_delimiters(exported):
    _, assessment, _ = exported
    texts = " ".join(m.text for m in assessment.iter(f"{Q}mattext"))
    assert "\\(" in texts
    assert "$" not in texts.replace("$course$", "")


def test_the_command_can_export_some_chapters(tmp_path):
    assert main([str(tmp_path), "--chapters", "3"]) == 0
    moodle = ET.parse(tmp_path / "xentbook-exam-bank-moodle.xml").getroot()
    names = {
        q.findtext("name/text") for q in moodle.iter("question") if q.get("type") != "category"
    }
    assert names
    assert all(name.startswith("ch03-") for name in names)
