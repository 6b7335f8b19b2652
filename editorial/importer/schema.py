"""What an import file may hold and what an import can do: limits, columns, person types, actions."""

from dataclasses import dataclass

from people.models import FacultyPage, ResidentPage

MAX_FILE_SIZE = 5 * 1024 * 1024  # bytes
MAX_ROWS = 2000  # people per file
MAX_COLUMNS = 100  # columns read from an XLSX sheet
MAX_SHEET_ROWS = 20_000  # physical rows of an XLSX sheet, blank ones included
MAX_UNPACKED_SIZE = 100 * 1024 * 1024  # bytes of an XLSX once unzipped
MAX_BIO_LENGTH = 10_000  # characters
MAX_TAG_LENGTH = 100  # taggit's Tag.name
FIRST_CLASS_YEAR = 1990
CLASS_YEARS_AHEAD = 5

FACULTY = "faculty"
RESIDENT = "resident"
TYPES = {FACULTY: FacultyPage, RESIDENT: ResidentPage}

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
PUBLISH = "publish"  # no change to the content, but a draft this import made earlier gets published


@dataclass(frozen=True)
class Column:
    name: str
    applies_to: str  # "all", FACULTY or RESIDENT
    help: str
    required: bool = False


COLUMNS = [
    Column("id", "all", "A stable ID from the program's records; matches the person on later imports."),
    Column("type", "all", "'faculty' or 'resident' (graduates are residents).", required=True),
    Column("first_name", "all", "Given name.", required=True),
    Column("last_name", "all", "Family name.", required=True),
    Column("credentials", "all", "Degrees after the name, e.g. 'MD, MPH'."),
    Column("email", "all", "Public email address; matches the person when there is no id."),
    Column("tracks", "all", "Slugs of the tracks the person belongs to, separated by semicolons."),
    Column("bio", "all", "Plain text; leave a blank line between paragraphs."),
    Column("roles", FACULTY, "Titles and roles, e.g. 'Director, Primary Care Track'."),
    Column("leadership", FACULTY, "'yes' to list the person under program leadership; 'no' or empty otherwise."),
    Column("clinical_interests", FACULTY, "Clinical interests, separated by semicolons."),
    Column("clinic_sites", FACULTY, "Slugs of the clinic sites where the person precepts, separated by semicolons."),
    Column("class_year", RESIDENT, "The year the resident finishes residency, e.g. 2028. Required for residents."),
    Column("medical_school", RESIDENT, "Where the resident studied medicine."),
    Column("interests", RESIDENT, "Interests in a phrase."),
    Column("outcome", RESIDENT, "For graduates: what they went on to (see the list of outcomes)."),
    Column("outcome_detail", RESIDENT, "For graduates, e.g. 'Geriatric medicine fellowship, Example University'."),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

# Plain model fields set straight from a column of the same meaning.
TEXT_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "credentials": "credentials",
    "email": "email",
    "roles": "roles",
    "medical_school": "medical_school",
    "interests": "interests",
    "outcome_detail": "outcome_detail",
}
FIELD_FOR_COLUMN = {
    **TEXT_FIELDS,
    "id": "external_id",
    "leadership": "is_leadership",
    "class_year": "graduation_year",
    "outcome": "outcome_kind",
    "tracks": "programs",
    "clinic_sites": "clinic_sites",
    "clinical_interests": "clinical_interests",
    "bio": "bio",
}
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


class ImportFileError(Exception):
    """The file as a whole can't be read: wrong format or encoding, too big, empty, bad header."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))
