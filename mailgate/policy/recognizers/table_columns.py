"""Names and addresses as the cells of a CSV/TSV column headed 氏名, 住所, Name … (名簿)."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from mailgate.policy.recognizers.name_shapes import ENTITY, STRONG
from mailgate.policy.recognizers.results import tagged_result


class TableColumnRecognizer(EntityRecognizer):
    """Cells under a name or address heading in CSV/TSV text (名簿 attachments)."""

    HEADINGS = {
        ENTITY: re.compile(
            r"^(?:氏名|お?名前|氏\s*名|フリガナ|ふりがな|代表者|(?:full ?)?name)$", re.IGNORECASE
        ),
        "POSTAL_ADDRESS": re.compile(r"^(?:ご?住所|現住所|所在地|address)$", re.IGNORECASE),
    }

    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(
            supported_entities=list(self.HEADINGS),
            supported_language=supported_language,
            name="TableColumnRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        lines = text.split("\n")
        delimiter = "\t" if "\t" in lines[0] else ","
        header = [cell.strip().strip('"') for cell in lines[0].split(delimiter)]
        columns = {
            i: entity
            for i, cell in enumerate(header)
            for entity, heading in self.HEADINGS.items()
            if entity in entities and heading.match(cell)
        }
        if len(header) < 2 or not columns:
            return []
        results, offset = [], len(lines[0]) + 1
        for line in lines[1:]:
            cell_start = offset
            for i, cell in enumerate(line.split(delimiter)):
                value = cell.strip().strip('"')
                if i in columns and value and not value.isdigit():
                    start = cell_start + cell.index(value)
                    results.append(
                        tagged_result(self, columns[i], start, start + len(value), STRONG)
                    )
                cell_start += len(cell) + 1
            offset += len(line) + 1
        return results
