"""PERSON in romanised form: two or three capitalised words with a title, "Dear", or a verb of
contact around them (Mr. John Smith, "Please contact Anna Kowalski")."""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from mailgate.policy.recognizers.name_shapes import ENTITY, NER_ONLY, STRONG, WEAK
from mailgate.policy.recognizers.results import tagged_result

ROMAN_NAME = re.compile(r"[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){1,2}")

# Capitalised words that are not names: offices, places, time, form words.
_NOT_NAME_WORDS = (
    "The This That Mayor Governor Superintendent Councillor Chairperson These Those We Our Your You Please Thank Thanks Regarding Dear Date Place Time "
    "City Ward Office Division Section Department Center Centre Hall Room Meeting Counter Grant "
    "Notification Moving Residents Resident International Affairs Exchange Community Development "
    "Japan Japanese English Tokyo Mynaportal Newsletter Multicultural Techo Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October November "
    "December Street Avenue Boulevard Road Tel Fax Email Language Application Certificate "
    "Public Library Museum Park School University College Hospital Clinic Station Bank Hotel "
    "Church Temple Shrine House Building Tower Plaza Garden Gardens Association Committee "
    "Council Club Company Corporation Inc Ltd Group Service Services Program Programme Project "
    "Festival Event Market Centre Health Welfare Tax Insurance Pension National Prefecture "
    # Administrative terms that come capitalised in titles of schemes, forms and offices.
    "Payment Payments Withdrawal Lump Sum Allowance Benefit Benefits Refund Fee Fees Form Forms "
    "Card Number Notice Guide Guidance Information Consultation Registration Residence Record "
    "Records Certificate Certificates Application Applications Procedure Procedures Request "
    "System Scheme Fund Subsidy Support Care Medical Examination Checkup Vaccination Prevention "
    "Nurse Nursing Officer Manager Director Chief Head Staff Team Unit Branch Desk Bureau Agency "
    "Ministry Government Municipal Prefectural Metropolitan Board Education Fire Water "
    "Waterworks Environment Environmental Sanitation Disaster Emergency Police Court Immigration "
    "Services Children Child Family Elderly Disability Employment Labor Labour Housing Waste "
    "Recycling Collection Cleaning Clean Tourism Tourist Culture Cultural Sports Citizen Citizens "
    "Civic Town Village County District Area Zone Region North South East West Central Chubu "
    "Annual General Special Basic Monthly Total Amount Deadline Period Schedule Contact Address "
    "Phone Mobile Online Portal Website Internet My "
    # The public job centre ("Hello Work Sugigaoka") and other service names.
    "Hello Work Works Job Jobs Career Careers "
    # Elections and the assembly ("the Overseas Electoral Register")
    "Register Registry Electoral Election Elections Voting Voter Voters Polling Ballot Assembly "
    "Overseas Absentee Early Petition Petitions Session Sessions "
    # Places and the ways to them ("Misagozaki Port", "Somatawa Junior High").
    "Port Harbor Harbour Island Islands Bay Beach Coast Cape Bridge River Lake Pond Mountain Mount "
    "Valley Forest Castle Terminal Airport Ferry Line Bus Stop Junior High Elementary Kindergarten "
    "Expressway Highway Motorway Freeway Tollway Route Interchange Junction Tunnel Railway "
    "Nursery Gym Gymnasium Pool Stadium Field Ground Grounds Campground Trail Course "
    "Apartment Apartments Heights Mansion Mansions Residence Residences Court Villa Villas Dormitory "
    "Estate "
    # Laws and rules ("the Building Standards Act")
    "Act Acts Law Laws Code Ordinance Ordinances Standards Standard Regulation Regulations Bill "
    "Treaty Convention Guidelines "
    # Ranks ("Fire Lieutenant Aoki Haruka") and planning words ("Landscape Priority Districts")
    "Lieutenant Captain Sergeant Marshal Inspector Firefighter Landscape Priority Districts "
    "Planning Urban Zoning Scenic Historic Conservation "
    # Japanese place and facility words written in romaji ("Kubara Gusuku", "Yunose Onsen").
    "Gusuku Utaki Jinja Jingu Onsen Kofun Ryokan Koen Kaikan Kominkan Yakuba Dori "
    # Words that open a sentence before a name or a pet's name ("As Biscuit was vaccinated")
    "As If When While Since Because Although Though Once Unless Until After Before Also Then "
    "But And Or So Here There It Its He She They His Her Their Him Them"
)


def name_word(word: str) -> bool:
    """A romanised given or family name: letters (with ' or a hyphen before a capital, as in
    Jean-Pierre), not an administrative word (Payment, Section) and not "Lump-sum"."""
    # (a possessive counts as its word: "Kochi Prefecture's relocation division")
    return (
        re.sub(r"['’]s$", "", word) not in RomanisedNameRecognizer.NOT_NAME_WORDS
        and re.fullmatch(r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*", word) is not None
    )


class RomanisedNameRecognizer(EntityRecognizer):
    """Two or three capitalised words with a title, "Dear", or a verb of contact around them."""

    # Bounded by non-letters rather than \b: a Japanese honorific may follow (Maria Santosさん).
    CAPITALISED_RUN = re.compile(
        r"(?<![A-Za-z'’\-])[A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+)+(?![A-Za-z'’\-])"
    )
    TITLED = re.compile(
        r"\b(?:Mr|Ms|Mrs|Miss|Mx|Dr|Prof)\.?(?:/(?:Mr|Ms|Mrs|Miss|Mx)\.?)?[ ]+([A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+){0,2})"
    )
    BEFORE = re.compile(
        r"(?:\bDear|\bneighbou?r|\bcontact|\bcall|\bask|\bemail|\bwrite to|\bfriend|\bson|\bdaughter|"
        r"\bwife|\bhusband|\bmother|\bfather|\bresident|\bbrother|\bsister|\bby|\bwith|\bfrom|\bthat|"
        r"\bcolleague|\bco-?worker|\blandlord|\bemployer|\bboss|\bpartner|\bflatmate|\broommate|"
        r"\bguide|\bdriver|\binstructor|\btutor|\bcaregiver|\bcarer|\bagent)[ ,:]+$",
        re.IGNORECASE,
    )
    AFTER = re.compile(
        r"^(?:[ \u3000]?(?:さん|様|さま|氏|殿)|'s\b|’s\b| can be reached| can be contacted| said| says| told| asked| lives| moved| is\b| was\b|"
        r" will\b| has\b| had\b| would\b| \(|,? (?:who|whose)\b| at \+?\d)"
    )

    # A given name alone, possessive, with a personal pronoun soon after: a child or relative
    # named only by first name ("Lena's epilepsy medication … her doctor", "Aarav's … his lunch").
    POSSESSIVE_ONE = re.compile(r"(?<![A-Za-z'’\-])([A-Z][a-z]{2,})['’]s\b")
    PRONOUN_AFTER = re.compile(r"\b(?:he|she|his|her|him)\b", re.IGNORECASE)
    PRONOUN_REACH = 200

    NOT_NAME_WORDS = frozenset(_NOT_NAME_WORDS.split())

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=[ENTITY],
            supported_language=supported_language,
            name="RomanisedNameRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if ENTITY not in entities:
            return []
        results = []
        for match in self.TITLED.finditer(text):
            results.append(tagged_result(self, ENTITY, match.start(1), match.end(1), STRONG))
        for match in self.POSSESSIVE_ONE.finditer(text):
            start, end = match.span(1)
            if (
                name_word(match.group(1))
                # not the last word of a longer proper noun ("Aoba Nursery's")
                and not re.search(r"[A-Z][a-z'’\-]*[ ]$", text[max(0, start - 30) : start])
                and self.PRONOUN_AFTER.search(text, end, end + self.PRONOUN_REACH)
            ):
                results.append(tagged_result(self, ENTITY, start, end, STRONG))
        for start, end in self._candidates(text):
            line_start = text.rfind("\n", 0, start) + 1
            context = self.BEFORE.search(text[line_start:start]) or self.AFTER.match(text[end:])
            alone_on_line = (
                text[line_start:start].strip() == ""
                and text[end:].split("\n", 1)[0].strip(" ,") == ""
            )
            score = STRONG if context else (NER_ONLY if alone_on_line else WEAK)
            results.append(tagged_result(self, ENTITY, start, end, score))
        return results

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        """Runs of two or three capitalised words, split at words that are not names ("Dear")."""
        spans = []
        for match in self.CAPITALISED_RUN.finditer(text):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", match.group())]
            run: list[tuple[int, int]] = []
            for a, b in [*words, (-1, -1)]:
                if a >= 0 and name_word(match.group()[a:b]) and len(run) < 3:
                    run.append((a, b))
                    continue
                if len(run) >= 2:
                    spans.append((match.start() + run[0][0], match.start() + run[-1][1]))
                run = [(a, b)] if a >= 0 and name_word(match.group()[a:b]) else []
        return spans
