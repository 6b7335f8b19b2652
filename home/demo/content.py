"""The demo site's content.

The Primary Care Track's facts come from its current page (the "seed"); every
sentence of the seed appears below verbatim, in the field where it belongs.
Everything else (people, clinic names and addresses, phone numbers, dates of
the application cycle, the wording of generic pages) is made up for the demo,
and the site footer says so.
"""

import unicodedata
from datetime import date, time

from django.utils.text import slugify

from admissions.models import ContactPage
from home.demo.builder import ImageSpec, PageSpec
from home.demo.portraits import (
    CARD_SIZE,
    HERO_SIZE,
    draw_abstract,
    draw_clinic,
    draw_portrait,
    draw_schedule_card,
    initials,
)
from home.models import HomePage, StandardPage
from people.models import FacultyPage, PersonIndexPage, ResidentPage
from programs.models import (
    ApplyPage,
    ApplyTimelineEvent,
    ClinicSiteIndexPage,
    ClinicSitePage,
    CurriculumPage,
    CurriculumRotation,
    OpenHouse,
    ProgramPage,
)

SITE_NAME = "Internal Medicine Residency"
PORTRAIT_COLLECTION = "Demo portraits"
IMAGE_COLLECTION = "Demo images"
ERAS_URL = "https://students-residents.aamc.org/applying-residencies-eras"

# The seed, sentence by sentence -------------------------------------------------------------------

TRACK_TITLE = "Primary Care Track"
SEED_INTRODUCTION = (
    "The Internal Medicine Residency Program offers a Primary Care Track to approximately seven residents a year. "
    "Our residents take part in a curriculum specifically designed to address the unique aspects of outpatient "
    "medicine and population health that are essential to our dramatically evolving healthcare system."
)
SEED_OVERVIEW_HEADING = "Program Overview"
SEED_MISSION = (
    "The mission of the Primary Care Track (PCT) is to develop culturally humble leaders and innovators who pursue "
    "diverse primary care careers including administration, academic primary care, population health, informatics, "
    "research and practice in a variety of settings."
)
SEED_SETTINGS = (
    "Residents will spend time learning and practicing in diverse settings, from federally-qualified health centers "
    "(FQHC) to hospital-owned practices, private networks to population-based clinics. Cedars-Sinai's many primary "
    "resources and affiliations afford residents the opportunity to practice with and learn from experts in "
    "ambulatory supportive care medicine, primary care HIV, substance use disorders, weight management, geriatrics, "
    "women\u2019s health, gender affirmation care and more."
)
SEED_COMMUNITY = (
    "With approximately seven residents per year, our track provides an atmosphere of camaraderie, faculty and peer "
    "support, and personalized mentorship. In addition to benefitting from the tremendous opportunities in the "
    "categorical residency such as the annual retreats and social events, PCT has its own social events, monthly "
    "meetings and annual protected didactic weeks."
)
SEED_SCHEDULE = (
    "PCT is integrated into a 4+1 residency structure that provides one-week blocks of continuity ambulatory clinics "
    "every fifth week throughout the three-year residency. These one-week experiences are supplemented by an "
    "additional 32 weeks of ambulatory clinical rotations."
)
SEED_CONTINUITY = (
    "For their continuity practice, residents choose from an FQHC, a hospital-owned practice that serves as the "
    "primary care site for many of our inpatients and a clinic devoted to the care of LGBTQIA+ patients and HIV "
    "primary care. Additionally, residents have elective blocks to train at a variety of other ambulatory sites to "
    "experience different patient populations and different systems of practice. Residents in this track receive "
    "ongoing mentorship from experienced and skilled primary care physicians at their home site."
)
SEED_APPLY = (
    "Residency applicants interested in the Primary Care Track should apply through the Electronic Residency "
    "Application Service (ERAS)."
)
SEED_FACULTY = (
    "Our Primary Care Track program leadership and faculty bring a wealth of teaching and clinical experience across "
    "the spectrum of primary care clinical areas."
)
SEED_RESIDENTS_TITLE = "Primary Care Residents & Graduates"
SEED_RESIDENTS = (
    "Our current and past residents are helping to shape the future of primary care through their commitment to "
    "patient care and unparalleled research."
)
SEED_CONTACT_HEADING = "Have Questions or Need Help?"
SEED_CONTACT = (
    "Contact us if you have questions or would like to learn more about the Internal Medicine Residency Training "
    "Program Primary Care Track at Cedars-Sinai."
)

# The clinical areas the seed names, used as faculty interest tags.
AMBULATORY_SUPPORTIVE_CARE = "ambulatory supportive care medicine"
HIV = "primary care HIV"
SUBSTANCE_USE = "substance use disorders"
WEIGHT = "weight management"
GERIATRICS = "geriatrics"
WOMENS_HEALTH = "women\u2019s health"
GENDER_AFFIRMATION = "gender affirmation care"

CONTACT_SETTINGS = {
    "program_name": "Internal Medicine Residency Program",
    "institution_name": "Cedars-Sinai",
    "street_address": "8700 Beverly Blvd.",
    "address_line_2": "Suite B113",
    "city": "Los Angeles",
    "region": "CA",
    "postal_code": "90048",
    "phone": "(310) 555-0100",
    "email": "imresidency@example.org",
    "eras_url": ERAS_URL,
    "footer_text": (
        "<p>This is a demonstration site. The people, clinic sites, phone numbers and email addresses on it are "
        "fictional, and its portraits are illustrated placeholders.</p>"
    ),
}


# Small helpers for rich text and StreamField data ------------------------------------------------


def paragraphs(*texts):
    return "".join(f"<p>{text}</p>" for text in texts)


def link(refs, key, text):
    """A rich text link to a demo page, or plain text while that page does not exist yet."""
    page = refs.page(key)
    return f'<a linktype="page" id="{page.pk}">{text}</a>' if page else text


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html):
    return {"type": "paragraph", "value": html}


def features(*items):
    return {"type": "features", "value": [{"heading": title, "text": text} for title, text in items]}


def question(text, answer_html):
    return {"type": "question", "value": {"question": text, "answer": answer_html}}


def quote(text, attribution):
    return {"type": "quote", "value": {"quote": text, "attribution": attribution}}


def call_to_action(refs, text, key):
    page = refs.page(key)
    return {"type": "call_to_action", "value": {"text": text, "page": page.pk, "url": ""}} if page else None


def stream(*blocks):
    return [block for block in blocks if block is not None]


def ascii_lower(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def email_for(first_name, last_name):
    local = ".".join(slugify(ascii_lower(part)).replace("-", "") for part in (first_name, last_name))
    return f"{local}@example.org"


# Clinic sites -------------------------------------------------------------------------------------

CLINIC_SITES = [
    {
        "key": "alder-park",
        "title": "Alder Park Community Health Center",
        "kind": ClinicSitePage.Kind.FQHC,
        "role": ClinicSitePage.Role.CONTINUITY,
        "listing_summary": "A federally qualified health center and one of the track's three continuity sites.",
        "introduction": (
            "A federally qualified health center (FQHC) that cares for neighbors across South and Central Los "
            "Angeles, whatever their insurance or ability to pay."
        ),
        "patients_served": (
            "Adults of all ages, many of them uninsured or covered by Medi-Cal, and many who prefer to receive "
            "their care in Spanish."
        ),
        "resident_role": paragraphs(
            "Residents keep a panel of their own patients for all three years and see them during every continuity "
            "week. They work in a team with behavioral health clinicians, a clinical pharmacist and community "
            "health workers, and learn how a health center funds and runs its services."
        ),
        "street_address": "2150 Alder Park Way",
        "address_line_2": "",
        "postal_code": "90018",
        "phone": "(323) 555-0142",
    },
    {
        "key": "sorrel-court",
        "title": "Sorrel Court Medical Associates",
        "kind": ClinicSitePage.Kind.HOSPITAL_PRACTICE,
        "role": ClinicSitePage.Role.CONTINUITY,
        "listing_summary": "A hospital-owned practice that is the primary care home of many of our inpatients.",
        "introduction": (
            "A hospital-owned internal medicine practice that serves as the primary care site for many of the "
            "residency's inpatients."
        ),
        "patients_served": (
            "Adults and older adults from across the Westside, including many patients whom residents first meet "
            "on the inpatient wards."
        ),
        "resident_role": paragraphs(
            "Residents follow their patients from the hospital to the clinic: they see them after discharge, manage "
            "their chronic conditions and coordinate care with specialists in the same health system."
        ),
        "street_address": "310 Sorrel Court",
        "address_line_2": "Suite 200",
        "postal_code": "90048",
        "phone": "(310) 555-0177",
    },
    {
        "key": "marigold",
        "title": "Marigold Health Center",
        "kind": ClinicSitePage.Kind.LGBTQ_HIV,
        "role": ClinicSitePage.Role.CONTINUITY,
        "listing_summary": "A clinic devoted to the care of LGBTQIA+ patients and HIV primary care.",
        "introduction": "A primary care clinic devoted to the care of LGBTQIA+ patients and people living with HIV.",
        "patients_served": (
            "LGBTQIA+ adults, people living with HIV, and people seeking HIV prevention, including pre-exposure "
            "prophylaxis (PrEP)."
        ),
        "resident_role": paragraphs(
            "Residents provide longitudinal HIV primary care, HIV prevention and gender-affirming hormone therapy, "
            "supervised by physicians experienced in primary care HIV and gender affirmation care."
        ),
        "street_address": "1785 Marigold Terrace",
        "address_line_2": "",
        "postal_code": "90028",
        "phone": "(323) 555-0163",
    },
    {
        "key": "larkfield",
        "title": "Larkfield Medical Group",
        "kind": ClinicSitePage.Kind.PRIVATE_NETWORK,
        "role": ClinicSitePage.Role.ELECTIVE,
        "listing_summary": "An elective site: primary care in a private practice network.",
        "introduction": "A private practice network where residents see how primary care works in a group practice.",
        "patients_served": "Adults with commercial insurance or Medicare, seen in several neighborhood offices.",
        "resident_role": paragraphs(
            "During elective blocks, residents see patients with network physicians and learn about practice "
            "operations, scheduling and value-based contracts."
        ),
        "street_address": "6400 Larkfield Avenue",
        "address_line_2": "Floor 3",
        "postal_code": "90036",
        "phone": "(323) 555-0120",
    },
    {
        "key": "tern-avenue",
        "title": "Tern Avenue Street Medicine Program",
        "kind": ClinicSitePage.Kind.POPULATION,
        "role": ClinicSitePage.Role.ELECTIVE,
        "listing_summary": "An elective site: population-based care for people experiencing homelessness.",
        "introduction": (
            "A population-based program that brings primary care to people experiencing homelessness, in shelters, "
            "on the street and in a mobile clinic."
        ),
        "patients_served": (
            "Adults experiencing homelessness, many of them living with substance use disorders or serious mental "
            "illness."
        ),
        "resident_role": paragraphs(
            "Residents join outreach teams, start treatment for opioid use disorder, manage chronic disease in the "
            "field and help patients connect with housing and benefits."
        ),
        "street_address": "905 Tern Avenue",
        "address_line_2": "",
        "postal_code": "90013",
        "phone": "",
    },
]

# People -------------------------------------------------------------------------------------------

FACULTY = [
    {
        "first_name": "Maya",
        "last_name": "Okafor",
        "credentials": "MD, MPH",
        "roles": "Director, Primary Care Track",
        "is_leadership": True,
        "interests": [HIV, GENDER_AFFIRMATION],
        "sites": ["marigold"],
        "bio": (
            "Dr. Okafor has directed the Primary Care Track since its second year. She cares for people living with "
            "HIV at Marigold Health Center and teaches residents how to build a primary care practice around the "
            "needs of a community."
        ),
    },
    {
        "first_name": "Daniel",
        "last_name": "Whitcombe",
        "credentials": "MD",
        "roles": "Associate Director, Primary Care Track",
        "is_leadership": True,
        "interests": [GERIATRICS, AMBULATORY_SUPPORTIVE_CARE],
        "sites": ["sorrel-court"],
        "bio": (
            "Dr. Whitcombe is a general internist and geriatrician. He leads the track's protected didactic weeks "
            "and precepts at Sorrel Court Medical Associates, where many of his patients are older adults living "
            "with several chronic conditions."
        ),
    },
    {
        "first_name": "Luc\u00eda",
        "last_name": "Ferrandez",
        "credentials": "MD",
        "roles": "Assistant Director, Primary Care Track; Director of Ambulatory Curriculum",
        "is_leadership": True,
        "interests": [WOMENS_HEALTH, WEIGHT],
        "sites": ["alder-park"],
        "bio": (
            "Dr. Ferrandez designs the track's 32 weeks of ambulatory rotations. She practices at Alder Park "
            "Community Health Center, where she cares for patients in English and Spanish."
        ),
    },
    {
        "first_name": "Samuel",
        "last_name": "Achterberg",
        "credentials": "DO",
        "roles": "Site Director, Alder Park Community Health Center",
        "is_leadership": False,
        "interests": [SUBSTANCE_USE],
        "sites": ["alder-park"],
        "bio": (
            "Dr. Achterberg runs the residents' continuity clinic at Alder Park. He is board certified in addiction "
            "medicine and teaches residents to treat substance use disorders in primary care."
        ),
    },
    {
        "first_name": "Grace",
        "last_name": "Lindqvist",
        "credentials": "MD",
        "roles": "Site Director, Sorrel Court Medical Associates",
        "is_leadership": False,
        "interests": [GERIATRICS, WEIGHT],
        "sites": ["sorrel-court"],
        "bio": (
            "Dr. Lindqvist leads the residents' practice at Sorrel Court, where she focuses on care after hospital "
            "discharge and on helping patients with obesity reach their goals."
        ),
    },
    {
        "first_name": "Rafael",
        "last_name": "Quintero",
        "credentials": "MD",
        "roles": "Site Director, Marigold Health Center",
        "is_leadership": False,
        "interests": [HIV, SUBSTANCE_USE],
        "sites": ["marigold"],
        "bio": (
            "Dr. Quintero has practiced HIV primary care for fifteen years. At Marigold he supervises residents' "
            "HIV treatment and prevention visits and leads the clinic's harm reduction services."
        ),
    },
    {
        "first_name": "Aisha",
        "last_name": "Rahmani",
        "credentials": "MD",
        "roles": "Core Faculty, Ambulatory Supportive Care Medicine",
        "is_leadership": False,
        "interests": [AMBULATORY_SUPPORTIVE_CARE, GERIATRICS],
        "sites": ["sorrel-court"],
        "bio": (
            "Dr. Rahmani sees patients with serious illness in clinic, alongside their primary care physicians. "
            "She teaches residents to lead goals-of-care conversations and to manage symptoms at home."
        ),
    },
    {
        "first_name": "Hannah",
        "last_name": "Brightwater",
        "credentials": "MD",
        "roles": "Core Faculty, Women\u2019s Health",
        "is_leadership": False,
        "interests": [WOMENS_HEALTH, GENDER_AFFIRMATION],
        "sites": ["marigold", "alder-park"],
        "bio": (
            "Dr. Brightwater teaches the women's health rotation, from contraception and preconception care to "
            "menopause, and precepts residents providing gender-affirming care."
        ),
    },
    {
        "first_name": "Kwame",
        "last_name": "Oduro",
        "credentials": "MD, MS",
        "roles": "Core Faculty, Population Health and Informatics",
        "is_leadership": False,
        "interests": [WEIGHT],
        "sites": ["larkfield", "sorrel-court"],
        "bio": (
            "Dr. Oduro uses clinical data to help practices reach patients who fall through the gaps. He mentors "
            "residents interested in informatics and population health and precepts at Larkfield Medical Group."
        ),
    },
    {
        "first_name": "Iris",
        "last_name": "Castellanos",
        "credentials": "MD",
        "roles": "Faculty, Street Medicine",
        "is_leadership": False,
        "interests": [SUBSTANCE_USE, HIV],
        "sites": ["tern-avenue", "alder-park"],
        "bio": (
            "Dr. Castellanos leads the Tern Avenue street medicine team and supervises residents on its elective. "
            "Her work focuses on low-barrier treatment for substance use disorders."
        ),
    },
]

EXAMPLE_SCHOOLS = [
    "Example State University School of Medicine",
    "University of Example College of Medicine",
    "Example Valley College of Osteopathic Medicine",
    "Example Coast University School of Medicine",
    "Example Lakes University School of Medicine",
    "Example Metropolitan College of Medicine",
]

# The demo faculty account ("faculty" / "faculty-demo") edits this person's profile.
DEMO_FACULTY_EDITOR = FACULTY[4]

RESIDENTS = [
    # Class of 2027 (PGY-3 in the 2026-27 academic year)
    {
        "first_name": "Jonah",
        "last_name": "Abernathy",
        "credentials": "MD",
        "graduation_year": 2027,
        "medical_school": EXAMPLE_SCHOOLS[0],
        "site": "alder-park",
        "interests": "addiction medicine, community health",
        "spotlight": (
            "Jonah started a group visit for patients beginning treatment for opioid use disorder at Alder Park. "
            "\u201cSeeing the same patients every fifth week is what makes it work.\u201d"
        ),
    },
    {
        "first_name": "Priyanka",
        "last_name": "Venkatesan",
        "credentials": "MD",
        "graduation_year": 2027,
        "medical_school": EXAMPLE_SCHOOLS[1],
        "site": "marigold",
        "interests": "HIV primary care, medical education",
        "spotlight": (
            "Priyanka teaches third-year medical students in her continuity clinic and is writing a curriculum on "
            "HIV prevention for primary care residents."
        ),
    },
    {
        "first_name": "Marcus",
        "last_name": "Delacroix",
        "credentials": "DO",
        "graduation_year": 2027,
        "medical_school": EXAMPLE_SCHOOLS[2],
        "site": "sorrel-court",
        "interests": "geriatrics, home-based primary care",
        "spotlight": (
            "Marcus makes home visits with the Sorrel Court team and plans a career in geriatrics. "
            "\u201cMy patients taught me more about medicine than any rotation.\u201d"
        ),
    },
    {
        "first_name": "Sofia",
        "last_name": "Lindgren",
        "credentials": "MD",
        "graduation_year": 2027,
        "medical_school": EXAMPLE_SCHOOLS[3],
        "site": "alder-park",
        "interests": "women\u2019s health, health policy",
        "spotlight": (
            "Sofia studies how patients at a health center get contraception and presented her quality improvement "
            "project at a regional meeting."
        ),
    },
    # Class of 2028 (PGY-2)
    {
        "first_name": "Tevita",
        "last_name": "Mahe",
        "credentials": "MD",
        "graduation_year": 2028,
        "medical_school": EXAMPLE_SCHOOLS[4],
        "site": "sorrel-court",
        "interests": "obesity medicine, lifestyle medicine",
        "spotlight": (
            "Tevita helped start a weight management clinic for residents' patients at Sorrel Court and coaches "
            "the residency's running club."
        ),
    },
    {
        "first_name": "Noor",
        "last_name": "Haddad",
        "credentials": "MD",
        "graduation_year": 2028,
        "medical_school": EXAMPLE_SCHOOLS[0],
        "site": "marigold",
        "interests": "gender affirmation care, advocacy",
        "spotlight": (
            "Noor chose the track for its continuity clinic devoted to LGBTQIA+ patients. "
            "\u201cI wanted to learn gender affirmation care from people who do it every day.\u201d"
        ),
    },
    {
        "first_name": "Benjamin",
        "last_name": "Eze",
        "credentials": "MD",
        "graduation_year": 2028,
        "medical_school": EXAMPLE_SCHOOLS[5],
        "site": "alder-park",
        "interests": "population health, informatics",
        "spotlight": (
            "Benjamin built a dashboard that helps the Alder Park team find patients overdue for cancer screening."
        ),
    },
    {
        "first_name": "Camila",
        "last_name": "Restrepo",
        "credentials": "MD",
        "graduation_year": 2028,
        "medical_school": EXAMPLE_SCHOOLS[1],
        "site": "sorrel-court",
        "interests": "palliative and supportive care",
        "spotlight": (
            "Camila spends her elective weeks with the ambulatory supportive care team and hopes to bring "
            "palliative care skills to primary care."
        ),
    },
    # Class of 2029 (PGY-1)
    {
        "first_name": "Ethan",
        "last_name": "Kowalczyk",
        "credentials": "DO",
        "graduation_year": 2029,
        "medical_school": EXAMPLE_SCHOOLS[2],
        "site": "alder-park",
        "interests": "street medicine, substance use disorders",
        "spotlight": (
            "Ethan volunteered with a street medicine team in medical school and is excited to join Tern Avenue."
        ),
    },
    {
        "first_name": "Leila",
        "last_name": "Farahani",
        "credentials": "MD",
        "graduation_year": 2029,
        "medical_school": EXAMPLE_SCHOOLS[3],
        "site": "marigold",
        "interests": "HIV prevention, research",
        "spotlight": "Leila researched PrEP uptake before residency and plans to continue that work at Marigold.",
    },
    {
        "first_name": "Hana",
        "last_name": "Yoon",
        "credentials": "MD",
        "graduation_year": 2029,
        "medical_school": EXAMPLE_SCHOOLS[4],
        "site": "sorrel-court",
        "interests": "geriatrics, quality improvement",
        "spotlight": "Hana is interested in how practices care for older adults after a hospital stay.",
    },
    {
        "first_name": "Mateo",
        "last_name": "Salgado",
        "credentials": "MD",
        "graduation_year": 2029,
        "medical_school": EXAMPLE_SCHOOLS[5],
        "site": "alder-park",
        "interests": "immigrant health, Spanish-language care",
        "spotlight": "Mateo grew up in Los Angeles and chose the track to care for the community he comes from.",
    },
]

GRADUATES = [
    {
        "first_name": "Olivia",
        "last_name": "Brandt",
        "credentials": "MD",
        "graduation_year": 2026,
        "medical_school": EXAMPLE_SCHOOLS[3],
        "site": "alder-park",
        "interests": "community health, care for immigrants",
        "outcome_kind": ResidentPage.Outcome.PRIMARY_CARE,
        "outcome_detail": "Primary care physician, Alder Park Community Health Center",
    },
    {
        "first_name": "Andre",
        "last_name": "Whitfield",
        "credentials": "MD",
        "graduation_year": 2026,
        "medical_school": EXAMPLE_SCHOOLS[0],
        "site": "sorrel-court",
        "interests": "medical education, quality improvement",
        "outcome_kind": ResidentPage.Outcome.CHIEF,
        "outcome_detail": "Chief resident, Internal Medicine Residency Program",
    },
    {
        "first_name": "Yusuf",
        "last_name": "Karimi",
        "credentials": "MD",
        "graduation_year": 2026,
        "medical_school": EXAMPLE_SCHOOLS[5],
        "site": "marigold",
        "interests": "addiction medicine",
        "outcome_kind": ResidentPage.Outcome.FELLOWSHIP,
        "outcome_detail": "Addiction medicine fellowship, Example State University",
    },
    {
        "first_name": "Rachel",
        "last_name": "Thornbury",
        "credentials": "MD",
        "graduation_year": 2025,
        "medical_school": EXAMPLE_SCHOOLS[1],
        "site": "sorrel-court",
        "interests": "medical education",
        "outcome_kind": ResidentPage.Outcome.ACADEMIC,
        "outcome_detail": "Clinician educator and assistant professor of medicine, University of Example",
    },
    {
        "first_name": "Diego",
        "last_name": "Marroqu\u00edn",
        "credentials": "MD",
        "graduation_year": 2025,
        "medical_school": EXAMPLE_SCHOOLS[2],
        "site": "alder-park",
        "interests": "geriatrics",
        "outcome_kind": ResidentPage.Outcome.FELLOWSHIP,
        "outcome_detail": "Geriatric medicine fellowship, Example Coast University",
    },
    {
        "first_name": "Fatima",
        "last_name": "Osei",
        "credentials": "MD",
        "graduation_year": 2024,
        "medical_school": EXAMPLE_SCHOOLS[4],
        "site": "alder-park",
        "interests": "public health, health equity",
        "outcome_kind": ResidentPage.Outcome.LEADERSHIP,
        "outcome_detail": "Associate medical director, Example County Department of Health Services",
    },
    {
        "first_name": "Kai",
        "last_name": "Nakoa",
        "credentials": "MD",
        "graduation_year": 2024,
        "medical_school": EXAMPLE_SCHOOLS[0],
        "site": "marigold",
        "interests": "HIV medicine, research",
        "outcome_kind": ResidentPage.Outcome.FELLOWSHIP,
        "outcome_detail": "Infectious diseases fellowship, University of Example",
    },
]

# Curriculum: rotations as data. Each year adds up to 52 weeks; ambulatory rotations add up to 32 weeks.

Kind = CurriculumRotation.Kind
CONTINUITY_NOTE = "One week at your continuity clinic site after every four weeks of other rotations."
ROTATIONS = [
    (1, Kind.CONTINUITY, "Continuity clinic weeks", 10, CONTINUITY_NOTE),
    (1, Kind.AMBULATORY, "Geriatrics and home visits", 4, "Office and home visits with older adults."),
    (1, Kind.AMBULATORY, "Women\u2019s health", 4, "Contraception, preconception care, menopause and screening."),
    (1, Kind.INPATIENT, "Inpatient medicine wards", 19, ""),
    (1, Kind.INPATIENT, "Medical intensive care unit", 4, ""),
    (1, Kind.INPATIENT, "Night float", 4, ""),
    (1, Kind.DIDACTIC, "PCT protected didactic week", 1, "A week of track seminars, away from clinical duties."),
    (1, Kind.ELECTIVE, "Elective", 2, ""),
    (1, Kind.VACATION, "Vacation", 4, ""),
    (2, Kind.CONTINUITY, "Continuity clinic weeks", 10, CONTINUITY_NOTE),
    (2, Kind.AMBULATORY, "Substance use disorders", 4, "Addiction medicine in clinic and on consult services."),
    (2, Kind.AMBULATORY, "Primary care HIV", 4, "HIV treatment and prevention with HIV primary care physicians."),
    (2, Kind.AMBULATORY, "Weight management", 4, "Medical weight management and lifestyle medicine."),
    (2, Kind.INPATIENT, "Inpatient medicine wards", 11, ""),
    (2, Kind.INPATIENT, "Medical intensive care unit", 4, ""),
    (2, Kind.INPATIENT, "Night float", 4, ""),
    (2, Kind.DIDACTIC, "PCT protected didactic week", 1, "A week of track seminars, away from clinical duties."),
    (2, Kind.ELECTIVE, "Electives at other ambulatory sites", 6, "Different patient populations and systems."),
    (2, Kind.VACATION, "Vacation", 4, ""),
    (3, Kind.CONTINUITY, "Continuity clinic weeks", 11, CONTINUITY_NOTE),
    (3, Kind.AMBULATORY, "Ambulatory supportive care medicine", 4, "Symptom care and serious illness in clinic."),
    (3, Kind.AMBULATORY, "Gender affirmation care", 4, "Gender-affirming primary care and hormone therapy."),
    (3, Kind.AMBULATORY, "Population health and practice leadership", 4, "Quality, data and practice operations."),
    (3, Kind.INPATIENT, "Inpatient medicine wards", 12, ""),
    (3, Kind.INPATIENT, "Medical intensive care unit", 4, ""),
    (3, Kind.DIDACTIC, "PCT protected didactic week", 1, "A week of track seminars, away from clinical duties."),
    (3, Kind.ELECTIVE, "Electives at other ambulatory sites", 8, "Different patient populations and systems."),
    (3, Kind.VACATION, "Vacation", 4, ""),
]

# The 2026-27 application cycle (for residency starting in July 2027).
Milestone = ApplyTimelineEvent.Milestone
TIMELINE = [
    (date(2026, 6, 3), None, "ERAS opens", "Applicants can register and start working on their applications.", ""),
    (
        date(2026, 9, 2),
        None,
        "Applicants can submit applications",
        "Submit your application to programs in ERAS.",
        Milestone.APPLICATIONS_OPEN,
    ),
    (date(2026, 9, 23), None, "Programs receive applications", "We begin reviewing applications in ERAS.", ""),
    (
        date(2026, 10, 1),
        date(2027, 1, 29),
        "Interview season",
        "Invited applicants interview with the track's faculty and residents.",
        "",
    ),
    (
        date(2026, 10, 15),
        None,
        "Application deadline",
        "We review applications completed in ERAS by this date.",
        Milestone.APPLICATION_DEADLINE,
    ),
    (date(2027, 3, 3), None, "Rank order list deadline", "Certify your rank order list with the NRMP.", ""),
    (date(2027, 3, 19), None, "Match Day", "Results of the Main Residency Match are released.", ""),
    (
        date(2027, 7, 1),
        None,
        "Residency begins",
        "The new class starts after orientation in late June.",
        Milestone.PROGRAM_START,
    ),
]

# Open houses for applicants: the later two take registrations on this site (a capacity); the first links out
# (a placeholder on example.org).
OPEN_HOUSES = [
    {
        "title": "Virtual open house: meet the residents",
        "date": date(2026, 8, 20),
        "start_time": time(17, 0),
        "end_time": time(18, 30),
        "time_zone": "America/Los_Angeles",
        "format": OpenHouse.Format.VIRTUAL,
        "location": "",
        "registration_url": "https://example.org/pct-open-house-august",
        "capacity": 0,
        "description": "Residents from every class talk about continuity clinic, electives and life in Los Angeles.",
    },
    {
        "title": "Virtual Q&A with the track directors",
        "date": date(2026, 12, 10),
        "start_time": time(17, 30),
        "end_time": time(19, 0),
        "time_zone": "America/Los_Angeles",
        "format": OpenHouse.Format.VIRTUAL,
        "location": "",
        "registration_url": "",
        "capacity": 40,
        "description": "Dr. Okafor and Dr. Whitcombe answer questions about the 4+1 schedule and the match.",
    },
    {
        "title": "Clinic tour at Alder Park",
        "date": date(2027, 1, 14),
        "start_time": time(12, 0),
        "end_time": time(13, 30),
        "time_zone": "America/Los_Angeles",
        "format": OpenHouse.Format.IN_PERSON,
        "location": "Alder Park Community Health Center, 2150 Alder Park Way, Los Angeles",
        "registration_url": "",
        "capacity": 12,
        "description": "For invited interviewees: see a continuity clinic in action and have lunch with residents.",
    },
]


# Images -------------------------------------------------------------------------------------------


def person_key(person):
    """A person's slug, also their key among the demo pages."""
    return slugify(ascii_lower(f"{person['first_name']} {person['last_name']}"))


def full_name(person):
    return f"{person['first_name']} {person['last_name']}"


def image_specs():
    specs = [
        ImageSpec(
            key="hero",
            title="Home page banner (illustrated placeholder)",
            alt_text="Abstract illustration: soft overlapping circles and gentle waves on a teal gradient.",
            filename="demo-home-banner.jpg",
            collection=IMAGE_COLLECTION,
            draw=lambda: draw_abstract("home-banner", HERO_SIZE, palette="teal"),
        ),
        ImageSpec(
            key="track",
            title="Primary Care Track card (illustrated placeholder)",
            alt_text=(
                "Abstract illustration: rows of rounded squares in which every fifth square is highlighted, "
                "suggesting one week of clinic every fifth week."
            ),
            filename="demo-primary-care-track.jpg",
            collection=IMAGE_COLLECTION,
            draw=lambda: draw_schedule_card("primary-care-track", CARD_SIZE),
        ),
    ]
    for site in CLINIC_SITES:
        specs.append(
            ImageSpec(
                key=f"site:{site['key']}",
                title=f"{site['title']} (illustrated placeholder)",
                alt_text=(
                    f"Illustration standing in for a photo of {site['title']}: "
                    "a simple drawing of a clinic building and a tree."
                ),
                filename=f"demo-site-{site['key']}.jpg",
                collection=IMAGE_COLLECTION,
                draw=lambda key=site["key"]: draw_clinic(f"site:{key}", CARD_SIZE),
            )
        )
    for person in [*FACULTY, *RESIDENTS, *GRADUATES]:
        key = person_key(person)
        specs.append(
            ImageSpec(
                key=f"portrait:{key}",
                title=f"Portrait of {full_name(person)} (illustrated placeholder)",
                alt_text=f"Illustrated placeholder portrait of Dr. {full_name(person)}",
                filename=f"demo-portrait-{key}.jpg",
                collection=PORTRAIT_COLLECTION,
                draw=lambda key=key, person=person: draw_portrait(
                    f"portrait:{key}", initials(person["first_name"], person["last_name"])
                ),
            )
        )
    return specs


# Pages --------------------------------------------------------------------------------------------


def home_fields(refs):
    return {
        "hero_heading": SITE_NAME,
        "hero_text": "Training internists in Los Angeles for careers in the hospital, the clinic and the community.",
        "hero_image": refs.image("hero"),
        "introduction": paragraphs(
            "Welcome to the Internal Medicine Residency Program at Cedars-Sinai. Alongside the categorical "
            f"residency, our {link(refs, 'pct', 'Primary Care Track')} prepares residents for careers in primary "
            "care and population health."
        ),
        "tracks_heading": "Our tracks",
        "body": stream(
            heading("Why residents choose the Primary Care Track"),
            features(
                (
                    "Approximately seven residents a year",
                    "A small track inside a large residency, with camaraderie, peer support and mentorship.",
                ),
                (
                    "Clinic every fifth week",
                    "A 4+1 schedule with a week of continuity clinic every fifth week, plus 32 ambulatory weeks.",
                ),
                (
                    "Three continuity sites",
                    "An FQHC, a hospital-owned practice and a clinic for LGBTQIA+ patients and HIV primary care.",
                ),
            ),
            quote(
                "Having a week in clinic every fifth week means I actually know my patients.",
                "Noor Haddad, PGY-2, Primary Care Track",
            ),
            call_to_action(refs, "How to apply to the Primary Care Track", "apply"),
            call_to_action(refs, "Meet our residents and graduates", "pct-residents"),
        ),
        "listing_summary": "The Internal Medicine Residency Program and its Primary Care Track, in Los Angeles.",
        "search_description": "Internal Medicine Residency Program at Cedars-Sinai, home of the Primary Care Track.",
        "social_image": refs.image("hero"),
    }


def track_fields(refs):
    return {
        "short_name": "PCT",
        "introduction": SEED_INTRODUCTION,
        "mission": SEED_MISSION,
        "overview": stream(
            heading(SEED_OVERVIEW_HEADING),
            paragraph(paragraphs(SEED_SETTINGS)),
            heading("Camaraderie and mentorship", "h3"),
            paragraph(paragraphs(SEED_COMMUNITY)),
            heading("The 4+1 schedule", "h3"),
            paragraph(paragraphs(SEED_SCHEDULE)),
            call_to_action(refs, "See the curriculum by year", "curriculum"),
            heading("Continuity practice", "h3"),
            paragraph(paragraphs(SEED_CONTINUITY)),
            call_to_action(refs, "Visit our clinic sites", "clinic-sites"),
            heading(SEED_CONTACT_HEADING),
            paragraph(paragraphs(SEED_CONTACT)),
            call_to_action(refs, "How to apply", "apply"),
        ),
        # What the stats band and the facts do not already say (they show the schedule, the weeks and the sites).
        "distinctive_features": [
            features(
                (
                    "A track of its own",
                    "Its own social events, monthly meetings and annual protected didactic weeks, "
                    "within the larger categorical residency.",
                ),
                (
                    "Mentorship at your home site",
                    "Experienced primary care physicians mentor you at your continuity clinic.",
                ),
            )
        ],
        "contacts": [
            {
                "role": "director",
                "name": "Maya Okafor, MD, MPH",
                "job_title": "Director, Primary Care Track",
                "photo": refs.image("portrait:maya-okafor"),
                "email": "pct-director@example.org",
                "phone": "",
            },
            {
                "role": "coordinator",
                "name": "Jordan Reyes",
                "job_title": "Program Coordinator, Primary Care Track",
                "photo": None,
                "email": "pct-coordinator@example.org",
                "phone": "(310) 555-0142",
            },
        ],
        "positions_per_year": 7,
        "positions_are_approximate": True,
        "duration_years": 3,
        "structure": "4+1",
        "structure_summary": "one-week blocks of continuity ambulatory clinic every fifth week",
        "ambulatory_weeks": 32,
        "listing_image": refs.image("track"),
        "listing_summary": (
            "Approximately seven residents a year train for careers in primary care, with a week of continuity "
            "clinic every fifth week."
        ),
        "show_in_menus": True,
    }


def curriculum_fields(refs):
    return {
        "introduction": (
            "The Primary Care Track curriculum is built on the residency's 4+1 schedule: four weeks of inpatient, "
            "ambulatory or elective rotations, then one week of continuity clinic, repeated throughout the three "
            "years. Ambulatory rotations add 32 weeks of outpatient training across the three years."
        ),
        "cycle_inpatient_weeks": 4,
        "cycle_clinic_weeks": 1,
        "rotations": [
            {"year": year, "kind": kind, "name": name, "weeks": weeks, "description": description}
            for year, kind, name, weeks, description in ROTATIONS
        ],
        "body": stream(
            heading("Protected didactic weeks"),
            paragraph(
                paragraphs(
                    "Each year, the track sets aside a week for its own seminars, free of clinical duties: practice "
                    "management, population health, quality improvement, health equity and career planning."
                )
            ),
            heading("Electives"),
            paragraph(
                paragraphs(
                    f"Electives take residents to other ambulatory sites, such as "
                    f"{link(refs, 'site:larkfield', 'a private practice network')} and "
                    f"{link(refs, 'site:tern-avenue', 'a street medicine program')}, to see different patient "
                    "populations and systems of practice."
                )
            ),
            heading("Mentorship"),
            paragraph(
                paragraphs(
                    "Every resident has a faculty mentor at their continuity site, and meets with the track's "
                    "leadership each year to plan electives and scholarly work."
                )
            ),
        ),
        "listing_summary": "The 4+1 schedule year by year: continuity clinic, ambulatory rotations and electives.",
        "show_in_menus": True,
    }


def clinic_index_fields(refs):
    return {
        "introduction": (
            "Residents keep their continuity practice at one of three sites for all three years, and train at "
            "other ambulatory sites during elective blocks."
        ),
        "listing_summary": "An FQHC, a hospital-owned practice and an LGBTQIA+ and HIV primary care clinic.",
        "show_in_menus": True,
    }


def clinic_site_fields(site):
    def fields(refs):
        return {
            "kind": site["kind"],
            "role": site["role"],
            "introduction": site["introduction"],
            "patients_served": site["patients_served"],
            "resident_role": site["resident_role"],
            "image": refs.image(f"site:{site['key']}"),
            "listing_image": refs.image(f"site:{site['key']}"),
            "listing_summary": site["listing_summary"],
            "street_address": site["street_address"],
            "address_line_2": site["address_line_2"],
            "city": "Los Angeles",
            "region": "CA",
            "postal_code": site["postal_code"],
            "phone": site["phone"],
            "programs": refs.pages_for("pct"),
        }

    return fields


def faculty_index_fields(refs):
    return {
        "introduction": SEED_FACULTY,
        "audience": PersonIndexPage.Audience.FACULTY,
        "listing_summary": "The track's leadership and the faculty who teach and precept its residents.",
        "show_in_menus": True,
    }


def residents_index_fields(refs):
    return {
        "introduction": SEED_RESIDENTS,
        "audience": PersonIndexPage.Audience.RESIDENTS,
        "listing_summary": "Meet the track's current residents, class by class, and see where its graduates went.",
        "show_in_menus": True,
    }


def apply_fields(refs):
    return {
        "introduction": SEED_APPLY,
        "how_to_apply": (
            "<ol>"
            f'<li>Register with <a href="{ERAS_URL}">ERAS</a> and complete your application.</li>'
            "<li>Assign your application to the Primary Care Track. If you are also interested in the categorical "
            "residency, apply to it as well.</li>"
            '<li>Register for the Main Residency Match with the <a href="https://www.nrmp.org/">National Resident '
            "Matching Program (NRMP)</a>.</li>"
            "<li>If we invite you, interview with us between October and January.</li>"
            "<li>Certify your rank order list with the NRMP by the deadline in March.</li>"
            "</ol>"
        ),
        "timeline": [
            {"date": start, "end_date": end, "title": title, "description": description, "milestone": milestone}
            for start, end, title, description, milestone in TIMELINE
        ],
        "open_houses": OPEN_HOUSES,
        "requirements": (
            "<ul>"
            "<li>The ERAS application, with a personal statement that tells us why you are drawn to primary "
            "care</li>"
            "<li>Three letters of recommendation, at least one from an internal medicine physician</li>"
            "<li>Your Medical Student Performance Evaluation (MSPE) and medical school transcript</li>"
            "<li>USMLE or COMLEX-USA score transcripts</li>"
            "</ul>"
        ),
        "faq": stream(
            question(
                "How much of the residency is spent in clinic?",
                paragraphs(
                    "The track follows a 4+1 schedule: one week of continuity clinic every fifth week for all three "
                    "years, plus 32 weeks of ambulatory rotations. See the "
                    f"{link(refs, 'curriculum', 'curriculum by year')}."
                ),
            ),
            question(
                "Where would my continuity clinic be?",
                paragraphs(
                    "You choose from three sites: a federally qualified health center, a hospital-owned practice "
                    "and a clinic devoted to LGBTQIA+ patients and HIV primary care. Read about our "
                    f"{link(refs, 'clinic-sites', 'clinic sites')}."
                ),
            ),
            question(
                "Do PCT residents take part in the categorical residency?",
                paragraphs(
                    "Yes. PCT residents join the categorical residency's annual retreats and social events, and "
                    "the track adds its own social events, monthly meetings and protected didactic weeks."
                ),
            ),
            question(
                "Can I apply to both the categorical residency and the Primary Care Track?",
                paragraphs("Yes. Apply to each in ERAS, and rank each separately on your rank order list."),
            ),
            question(SEED_CONTACT_HEADING, paragraphs(SEED_CONTACT)),
        ),
        "listing_summary": "Apply through ERAS: this year's dates, what to send, and answers to questions.",
        "show_in_menus": True,
    }


def people_index_fields(refs):
    return {
        "introduction": "Faculty, residents and graduates of the Internal Medicine Residency Program.",
        "audience": PersonIndexPage.Audience.EVERYONE,
        "listing_summary": "Everyone on the site: faculty, current residents and graduates.",
        "show_in_menus": True,
    }


def faculty_fields(person):
    def fields(refs):
        return {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "credentials": person["credentials"],
            "roles": person["roles"],
            "is_leadership": person["is_leadership"],
            "photo": refs.image(f"portrait:{person_key(person)}"),
            "bio": paragraphs(person["bio"]),
            "clinical_interests": person["interests"],
            "clinic_sites": refs.pages_for(*(f"site:{key}" for key in person["sites"])),
            "programs": refs.pages_for("pct"),
            "email": email_for(person["first_name"], person["last_name"]),
            "listing_summary": person["roles"],
        }

    return fields


def resident_fields(person):
    def fields(refs):
        graduate = "outcome_kind" in person
        site = refs.page(f"site:{person['site']}")
        bio = (
            f"{person['first_name']} graduated from {person['medical_school']} and kept a continuity practice at "
            f"{site.title if site else 'one of our continuity sites'}."
            if graduate
            else f"{person['first_name']} came to the Primary Care Track from {person['medical_school']}."
        )
        return {
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "credentials": person["credentials"],
            "graduation_year": person["graduation_year"],
            "medical_school": person["medical_school"],
            "interests": person["interests"],
            "photo": refs.image(f"portrait:{person_key(person)}"),
            "bio": paragraphs(bio),
            "spotlight": paragraphs(person["spotlight"]) if person.get("spotlight") else "",
            "continuity_site": site,
            "programs": refs.pages_for("pct"),
            "email": email_for(person["first_name"], person["last_name"]),
            "outcome_kind": person.get("outcome_kind", ""),
            "outcome_detail": person.get("outcome_detail", ""),
            "listing_summary": person.get("outcome_detail") or f"Class of {person['graduation_year']}",
        }

    return fields


def contact_fields(refs):
    return {
        "introduction": (
            "Questions about the Primary Care Track, applying or our open houses? Write to us: the program office "
            "answers within a few working days."
        ),
        "form_heading": "Ask the Primary Care Track a question",
        "listing_summary": "Write to the program office, or find its address, phone and email.",
    }


def wellness_fields(refs):
    return {
        "introduction": (
            "Residency is demanding. Our wellness program helps residents look after themselves and each other."
        ),
        "body": stream(
            features(
                ("Mentorship", "Every resident has a faculty mentor and a senior resident to turn to."),
                ("Time for yourself", "Residents can schedule their own medical, dental and mental health visits."),
                ("Confidential support", "Free, confidential counseling is available to every resident."),
                ("Community", "Annual retreats and social events bring residents, faculty and families together."),
            ),
            heading("Wellness committee"),
            paragraph(
                paragraphs(
                    "Residents from every class sit on the wellness committee, which plans social events, gathers "
                    "feedback on schedules and workload, and brings concerns to program leadership."
                )
            ),
        ),
        "listing_summary": "Mentorship, confidential support and a community that looks after its residents.",
        "show_in_menus": True,
    }


def benefits_fields(refs):
    return {
        "introduction": "Residents receive a salary and benefits set each year by the sponsoring institution.",
        "body": stream(
            heading("Salary"),
            paragraph(
                paragraphs(
                    "Salaries for each postgraduate year are published with the program's listing in ERAS for the "
                    "current application cycle."
                )
            ),
            heading("Benefits"),
            paragraph(
                "<ul>"
                "<li>Medical, dental and vision insurance for residents and their dependents</li>"
                "<li>Paid vacation each year</li>"
                "<li>Paid medical, parental and caregiver leave</li>"
                "<li>Disability and life insurance</li>"
                "<li>An educational allowance for books, conferences and board preparation</li>"
                "<li>Meals while on call</li>"
                "</ul>"
            ),
        ),
        "listing_summary": "Salary, insurance, leave and the other benefits residents receive.",
        "show_in_menus": True,
    }


def faq_fields(refs):
    return {
        "introduction": (
            "Answers to questions applicants often ask about the residency. Questions about applying to the Primary "
            "Care Track are answered on its How to Apply page."
        ),
        "body": stream(
            question(
                "Where do residents live?",
                paragraphs(
                    "Most residents rent apartments within a short drive of the medical center. Current residents "
                    "are glad to share advice on neighborhoods during interview season."
                ),
            ),
            question(
                "Do residents do research?",
                paragraphs(
                    "Every resident completes a scholarly project with a faculty mentor, from quality improvement "
                    "to clinical research, and many present their work at regional and national meetings."
                ),
            ),
            question(
                "How are residents evaluated?",
                paragraphs(
                    "Residents receive feedback after every rotation and meet with their mentor and program "
                    "leadership twice a year to review their progress."
                ),
            ),
            question(
                "Whom can I contact with questions?",
                paragraphs("The program office's email address and phone number are at the foot of every page."),
            ),
            call_to_action(refs, "How to apply to the Primary Care Track", "apply"),
        ),
        "seo_title": "Frequently Asked Questions",
        "listing_summary": "Answers to questions applicants often ask about the residency.",
        "show_in_menus": True,
    }


def page_specs():
    """Every demo page, parents before children, in menu order."""
    specs = [
        PageSpec("home", HomePage, None, "home", SITE_NAME, home_fields),
        PageSpec("pct", ProgramPage, "home", "primary-care-track", TRACK_TITLE, track_fields),
        PageSpec("curriculum", CurriculumPage, "pct", "curriculum", "Curriculum", curriculum_fields),
        PageSpec("clinic-sites", ClinicSiteIndexPage, "pct", "clinic-sites", "Clinic Sites", clinic_index_fields),
    ]
    for site in CLINIC_SITES:
        specs.append(
            PageSpec(
                f"site:{site['key']}",
                ClinicSitePage,
                "clinic-sites",
                slugify(site["title"]),
                site["title"],
                clinic_site_fields(site),
            )
        )
    specs += [
        PageSpec("pct-faculty", PersonIndexPage, "pct", "faculty", "Faculty", faculty_index_fields),
        PageSpec("pct-residents", PersonIndexPage, "pct", "residents", SEED_RESIDENTS_TITLE, residents_index_fields),
        PageSpec("apply", ApplyPage, "pct", "how-to-apply", "How to Apply", apply_fields),
        PageSpec("pct-contact", ContactPage, "pct", "contact", "Contact the Primary Care Track", contact_fields),
        PageSpec("people", PersonIndexPage, "home", "people", "People", people_index_fields),
    ]
    for person in FACULTY:
        key = person_key(person)
        specs.append(PageSpec(f"person:{key}", FacultyPage, "people", key, full_name(person), faculty_fields(person)))
    for person in [*RESIDENTS, *GRADUATES]:
        key = person_key(person)
        specs.append(PageSpec(f"person:{key}", ResidentPage, "people", key, full_name(person), resident_fields(person)))
    specs += [
        PageSpec("wellness", StandardPage, "home", "wellness", "Wellness", wellness_fields),
        PageSpec("benefits", StandardPage, "home", "benefits", "Benefits", benefits_fields),
        PageSpec("faq", StandardPage, "home", "faq", "FAQ", faq_fields),
    ]
    return specs
