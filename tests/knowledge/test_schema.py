"""Data files against their schemas: errors name the file, the line and the row."""

from __future__ import annotations

import pytest

from core.knowledge.schema import DataFileError, Row, load_yaml


class Treatment(Row):
    drug: str
    line: str


class Condition(Row):
    id: str
    treatments: list[Treatment]


class Table(Row):
    version: int
    conditions: list[Condition]


GOOD = """version: 1
conditions:
  - id: hypertension
    treatments:
      - {drug: lisinopril, line: first}
  - id: gout
    treatments:
      - {drug: colchicine, line: first}
      - {drug: allopurinol, lines: first}
"""


def test_a_good_file_loads(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text(GOOD.replace("lines:", "line:"))
    table = load_yaml(p, Table)
    assert [c.id for c in table.conditions] == ["hypertension", "gout"]
    assert table.conditions[1].treatments[1].drug == "allopurinol"


def test_an_error_names_file_line_and_row(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text(GOOD)
    with pytest.raises(DataFileError) as err:
        load_yaml(p, Table)
    msg = str(err.value)
    assert f"{p}:9:" in msg   # the row with the typo
    assert "conditions[1] (gout) > treatments[1] (allopurinol)" in msg
    assert "lines" in msg and "Extra inputs are not permitted" in msg
    assert "line" in msg and "Field required" in msg


def test_missing_and_malformed_files_are_data_errors(tmp_path):
    with pytest.raises(DataFileError, match="cannot read"):
        load_yaml(tmp_path / "absent.yaml", Table)
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: [1\n")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_yaml(bad, Table)


def test_a_key_written_twice_is_refused_with_its_line(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text("version: 1\nconditions: []\nversion: 2\n")
    with pytest.raises(DataFileError, match=r"'version' is written twice \(first on line 1\)") as err:
        load_yaml(p, Table)
    assert "line 3" in str(err.value)
