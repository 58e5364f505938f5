"""The demo city's consultation on development cooperatives: strategy, districts, proposals,
comments, supports and pledges. Fictional throughout; the figures are sample data."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.consultations.models import (
    Consultation,
    District,
    Indicator,
    IndicatorValue,
    StrategyGoal,
)
from app.db_types import utcnow
from app.discussion.models import Comment, CommentVote, Stance
from app.extensions import db
from app.moderation.audit import record
from app.notifications.models import Follow
from app.organisations.models import Organisation
from app.proposals.models import (
    Proposal,
    ProposalGoal,
    ProposalStatus,
    ProposalStatusChange,
    Sector,
)
from app.supports.models import Pledge, PledgeRole, Support
from app.text import fold, render_markdown

CONSULTATION_TITLE = "Spółdzielnie rozwojowe dla Wrzosowa 2027"

DISTRICTS = ["Stare Miasto", "Osiedle Hutnicze", "Zielone Wzgórza", "Kolejowa", "Nadrzecze"]

# (code, title, objectives [(code, title)], indicators [(name, unit, source, values by year)])
STRATEGY = [
    ("1", "Czysta energia i zdrowe powietrze", [
        ("1.1", "Więcej energii z odnawialnych źródeł wytwarzanej w mieście"),
        ("1.2", "Mniej budynków ogrzewanych węglem"),
    ], [
        ("Moc instalacji fotowoltaicznych w mieście", "MW", "Dane przykładowe (wzór: URE)",
         {2021: "4,2", 2022: "6,8", 2023: "9,1", 2024: "11,5"}, "30"),
        ("Budynki ogrzewane paliwem stałym", "%", "Dane przykładowe (wzór: CEEB)",
         {2021: "31", 2022: "28,5", 2023: "25", 2024: "22,4"}, "5"),
    ]),
    ("2", "Praca i kompetencje mieszkańców", [
        ("2.1", "Zielone miejsca pracy w spółdzielniach i firmach społecznych"),
        ("2.2", "Powrót na rynek pracy osób biernych zawodowo, zwłaszcza kobiet"),
        ("2.3", "Umiejętności cyfrowe w każdym wieku"),
    ], [
        ("Stopa bezrobocia rejestrowanego", "%", "Dane przykładowe (wzór: GUS BDL)",
         {2021: "7,9", 2022: "7,1", 2023: "6,6", 2024: "6,4"}, "4"),
        ("Kobiety w wieku 25–64 lata bierne zawodowo", "%",  # noqa: RUF001 - Polish dash
         "Dane przykładowe (wzór: GUS BAEL)",
         {2021: "34", 2022: "33,2", 2023: "32,1", 2024: "31,5"}, "25"),
    ]),
    ("3", "Miasto, które dba o ludzi i przestrzeń", [
        ("3.1", "Rekultywacja terenów poprzemysłowych"),
        ("3.2", "Opieka nad seniorami i dziećmi blisko domu"),
        ("3.3", "Lokalna żywność i gospodarka obiegu zamkniętego"),
    ], [
        ("Zrekultywowane tereny poprzemysłowe", "ha", "Dane przykładowe (wzór: GUS BDL)",
         {2021: "12", 2022: "15", 2023: "15", 2024: "19"}, "60"),
        ("Miejsca w żłobkach na 100 dzieci do lat 3", "miejsca", "Dane przykładowe (wzór: GUS)",
         {2021: "18,5", 2022: "21", 2023: "24,2", 2024: "26"}, "40"),
    ]),
]

# (title, sector, district index or None, cost, jobs, goal codes, body)
PROPOSALS = [
    ("Dachy fotowoltaiczne na szkołach Osiedla Hutniczego", Sector.ENERGY, 1, 1_450_000, 6,
     ["1.1"], "Spółdzielnia energetyczna zakłada i obsługuje panele na dachach czterech szkół. "
     "Nadwyżkę energii kupują członkowie spółdzielni po niższej cenie."),
    ("Spółdzielcza sieć niskiego napięcia dla Nadrzecza", Sector.ENERGY, 4, 2_300_000, 8,
     ["1.1", "2.1"], "Mikrosieć łącząca domy jednorodzinne z magazynem energii przy "
     "przepompowni. Członkami są mieszkańcy i spółka wodociągowa."),
    ("Magazyn ciepła przy ciepłowni miejskiej", Sector.ENERGY, None, 3_900_000, 5, ["1.2"],
     "Zbiornik ciepła pozwala korzystać z tańszej energii nocą i ograniczyć spalanie węgla."),
    ("Wymiana pieców w kamienicach Starego Miasta", Sector.RETROFIT, 0, 1_800_000, 12,
     ["1.2", "2.1"], "Ekipa spółdzielni wymienia piece węglowe na pompy ciepła, a mieszkańcy "
     "spłacają koszt w rachunkach przez dziesięć lat."),
    ("Docieplenie bloków z wielkiej płyty", Sector.RETROFIT, 1, 2_750_000, 15, ["1.2"],
     "Termomodernizacja sześciu bloków z pracą dla osób długotrwale bezrobotnych."),
    ("Zielone dachy na garażach przy Kolejowej", Sector.RETROFIT, 3, 420_000, 3, ["3.1"],
     "Zieleń na dachach garaży zatrzymuje deszczówkę i chłodzi podwórka latem."),
    ("Park na terenie dawnej huty szkła", Sector.LAND, 1, 3_200_000, 9, ["3.1"],
     "Rekultywacja hałd i założenie parku z ogrodami społecznymi oraz kawiarnią spółdzielczą."),
    ("Zieleń i łąka kwietna przy dawnej bocznicy", Sector.LAND, 3, 380_000, 2, ["3.1"],
     "Zieleń zamiast nieużytku: łąka kwietna, ścieżka i ławki przy starej bocznicy kolejowej."),
    ("Farma miejska na terenach po cukrowni", Sector.LAND, 4, 1_100_000, 7,
     ["3.1", "3.3"], "Uprawy warzyw w tunelach i szklarni na oczyszczonym gruncie."),
    ("Punkt napraw rowerów i sprzętu AGD", Sector.REPAIR, 0, 160_000, 4, ["3.3", "2.1"],
     "Warsztat spółdzielczy naprawia sprzęt i uczy mieszkańców drobnych napraw."),
    ("Kawiarenka naprawcza w bibliotece", Sector.REPAIR, 2, 45_000, 1, ["3.3"],
     "Raz w tygodniu wolontariusze i fachowcy pomagają naprawić ubrania i elektronikę."),
    ("Ponowne użycie mebli z wymiany mieszkań komunalnych", Sector.REPAIR, None, 230_000, 5,
     ["3.3"], "Magazyn i stolarnia odnawiające meble, które dziś trafiają na wysypisko."),
    ("Dzienny dom opieki dla seniorów na Zielonych Wzgórzach", Sector.CARE, 2, 1_650_000, 14,
     ["3.2", "2.2"], "Spółdzielnia socjalna prowadzi dom dziennego pobytu i opiekę "
     "wytchnieniową dla rodzin."),
    ("Klub malucha prowadzony przez rodziców", Sector.CARE, 3, 520_000, 6, ["3.2", "2.2"],
     "Mamy wracające do pracy zakładają spółdzielnię prowadzącą klub dla dzieci do lat trzech."),
    ("Sąsiedzka opieka nad osobami z niepełnosprawnościami", Sector.CARE, None, 760_000, 10,
     ["3.2"], "Asystenci osobiści zatrudnieni w spółdzielni, wsparcie rodzin opiekunów."),
    ("Stołówka dla szkół z lokalnych produktów", Sector.FOOD, 0, 890_000, 11, ["3.3", "2.1"],
     "Kuchnia spółdzielcza gotuje obiady dla pięciu szkół z produktów rolników z okolicy."),
    ("Kooperatywa spożywcza przy targowisku", Sector.FOOD, 4, 120_000, 2, ["3.3"],
     "Wspólne zakupy od rolników i sklep członkowski otwarty trzy dni w tygodniu."),
    ("Przetwórnia owoców z sadów miejskich", Sector.FOOD, 2, 340_000, 4, ["3.3"],
     "Soki i przetwory z owoców, które dziś marnują się w miejskich sadach."),
    ("Akademia cyfrowa dla seniorek i seniorów", Sector.DIGITAL, None, 210_000, 3, ["2.3"],
     "Kursy obsługi telefonu, bankowości i e-urzędu prowadzone w bibliotekach."),
    ("Spółdzielnia programistek", Sector.DIGITAL, 0, 480_000, 8, ["2.2", "2.3"],
     "Szkolenie i zatrudnienie kobiet powracających na rynek pracy przy zleceniach dla "
     "instytucji miejskich."),
    ("Pracownia serwisu laptopów dla szkół", Sector.DIGITAL, 1, 190_000, 3, ["2.3", "3.3"],
     "Odnawianie komputerów z urzędów i przekazywanie ich uczniom."),
    ("Internet w świetlicach osiedlowych", Sector.DIGITAL, 3, 150_000, 2, ["2.3"],
     "Punkty z dostępem do sieci i dyżurami pomocy cyfrowej."),
    ("Pralnia społeczna z pracą dla osób po kryzysie", Sector.OTHER, 0, 610_000, 9, ["2.1"],
     "Pralnia obsługująca szpital i hotele, zatrudniająca osoby wychodzące z bezdomności."),
    ("Rowery towarowe dla lokalnych dostaw", Sector.OTHER, None, 270_000, 5, ["1.1", "2.1"],
     "Spółdzielnia kurierska dowozi zakupy i paczki rowerami na prąd."),
    ("Ogrzewanie basenu ciepłem z kanalizacji", Sector.ENERGY, 2, 1_250_000, 3, ["1.1", "1.2"],
     "Pompa ciepła odzyskuje energię ze ścieków i ogrzewa basen miejski."),
    ("Biogazownia na odpady z targowiska", Sector.ENERGY, 4, 2_100_000, 6, ["1.1", "3.3"],
     "Resztki warzyw i owoców zamieniane na biogaz i nawóz dla farmy miejskiej."),
    ("Warsztaty stolarskie dla młodzieży", Sector.REPAIR, 3, 95_000, 2, ["2.3", "3.3"],
     "Zajęcia po szkole, w których młodzież naprawia meble dla świetlic."),
    ("Ogrody deszczowe przy szkołach", Sector.LAND, 2, 260_000, 3, ["3.1"],
     "Ogrody zatrzymujące wodę opadową, zakładane razem z uczniami."),
    ("Opieka nocna dla dzieci pracujących rodziców", Sector.CARE, 1, 690_000, 8,
     ["3.2", "2.2"], "Dyżury opiekunek dla rodziców pracujących na zmiany w hucie i szpitalu."),
    ("Targ rolników z odbiorem zamówień online", Sector.FOOD, None, 75_000, 2, ["3.3", "2.3"],
     "Zamówienia przez internet i odbiór w soboty na Starym Rynku."),
]

FOR_COMMENTS = [
    "Świetny pomysł, chętnie dołączę jako członkini spółdzielni.",
    "To da pracę ludziom z naszego osiedla — popieram.",
    "Podobny projekt działa w sąsiedniej gminie i się sprawdza.",
    "Wreszcie coś dla mieszkańców, a nie tylko dla inwestorów.",
]
AGAINST_COMMENTS = [
    "Koszt wydaje mi się zawyżony, proszę o szczegółowy kosztorys.",
    "Kto będzie za to odpowiadał po zakończeniu dotacji?",
    "Obawiam się hałasu i ruchu samochodów w okolicy.",
]
NEUTRAL_COMMENTS = [
    "Czy przewidziano miejsca pracy dla osób z niepełnosprawnościami?",
    "Jak można się zapisać do grupy założycielskiej?",
]
REPLIES = [
    "Kosztorys dołączymy po konsultacjach z urzędem.",
    "Dziękujemy! Spotkanie założycielskie będzie w bibliotece.",
    "Ruch ograniczymy — dostawy tylko rowerami towarowymi.",
]

EXTRA_RESIDENTS = [
    "Anna Kowalczyk", "Piotr Nowicki", "Katarzyna Wiśniewska", "Tomasz Zieliński",
    "Magdalena Lewandowska", "Marek Dąbrowski", "Ewa Szymańska", "Jan Woźniak",
    "Agnieszka Kamińska", "Łukasz Jankowski", "Barbara Mazur", "Grzegorz Krawczyk",
]


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def load_consultation(password_hash: str) -> bool:
    """Add the demo consultation unless it is there already; returns whether it was added.

    The city staff's steps (districts, strategy, indicators, the consultation) are written
    to the audit log as theirs, so the demo's moderation log has a valid chain to show.
    """
    if db.session.scalar(select(Consultation).where(Consultation.title == CONSULTATION_TITLE)):
        return False
    rng = random.Random(2027)  # the same demo every time  # noqa: S311
    now = utcnow()
    today = date.today()
    staff = db.session.scalar(select(User).where(User.role == Role.STAFF))

    districts = []
    for name in DISTRICTS:
        district = db.session.scalar(select(District).where(District.name == name))
        if district is None:
            district = District(name=name)
            db.session.add(district)
            db.session.flush()
            record(staff, "district.create", "district", district.id, details={"name": name})
        districts.append(district)

    goals: dict[str, StrategyGoal] = {}
    imported = {"created": 0, "updated": 0, "values": 0}
    for code, title, objectives, indicators in STRATEGY:
        goal = StrategyGoal(code=code, title=title, description="Cel strategii (przykład).")
        db.session.add(goal)
        db.session.flush()
        record(staff, "goal.create", "goal", goal.id, details={"code": code, "title": title})
        goals[code] = goal
        for objective_code, objective_title in objectives:
            objective = StrategyGoal(code=objective_code, title=objective_title,
                                     description="", parent_id=goal.id)
            db.session.add(objective)
            db.session.flush()
            record(staff, "goal.create", "goal", objective.id,
                   details={"code": objective_code, "title": objective_title})
            goals[objective_code] = objective
        for name, unit, source, values, target in indicators:
            first_year = min(values)
            indicator = Indicator(goal_id=goal.id, name=name, unit=unit, source=source,
                                  baseline=_amount(values[first_year]), baseline_year=first_year,
                                  target=_amount(target), target_year=2030)
            db.session.add(indicator)
            db.session.flush()
            for year, value in values.items():
                db.session.add(IndicatorValue(indicator_id=indicator.id, year=year,
                                              value=_amount(value)))
            imported["created"] += 1
            imported["values"] += len(values)
    record(staff, "indicator.import", "strategy", None, details=imported)

    consultation = Consultation(
        title=CONSULTATION_TITLE,
        summary="Zgłoś projekt spółdzielni rozwojowej, która zrealizuje zadanie ze strategii "
                "miasta — i współtwórz ją z sąsiadami.",
        description="Miasto Wrzosów (fikcyjne) zaprasza mieszkańców i organizacje do "
                    "zgłaszania projektów spółdzielni rozwojowych.\n\nTo są dane przykładowe.",
        proposals_from=today - timedelta(days=14), review_from=today + timedelta(days=30),
        deliberation_from=today + timedelta(days=45), voting_from=today + timedelta(days=75),
        results_from=today + timedelta(days=90), support_threshold=5,
        created_by_id=staff.id if staff else None,
    )
    db.session.add(consultation)
    db.session.flush()
    record(staff, "consultation.create", "consultation", consultation.id,
           details={"title": CONSULTATION_TITLE})

    residents = list(db.session.scalars(
        select(User).where(User.role == Role.RESIDENT, User.deleted_at.is_(None))))
    for index, name in enumerate(EXTRA_RESIDENTS, start=1):
        email = f"mieszkaniec{index}@wrzosow.example"
        person = db.session.scalar(select(User).where(User.email == email))
        if person is None:
            person = User(email=email, display_name=name, password_hash=password_hash,
                          role=Role.RESIDENT, locale="pl", email_confirmed_at=now,
                          privacy_consent_at=now)
            db.session.add(person)
        residents.append(person)
    db.session.flush()
    organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.approved_at.is_not(None))))

    for number, (title, sector, district_index, cost, jobs, codes, body) in enumerate(PROPOSALS):
        author = residents[number % len(residents)]
        markdown = f"{body}\n\n**Dlaczego spółdzielnia?** Zyski zostają w mieście, a członkami " \
                   f"mogą być mieszkańcy i instytucje.\n\n_Projekt przykładowy._"
        created = now - timedelta(days=14, hours=-number * 9)
        status = ProposalStatus.DRAFT if number == len(PROPOSALS) - 1 else ProposalStatus.SUBMITTED
        proposal = Proposal(
            consultation_id=consultation.id, author_id=author.id, title=title,
            body_markdown=markdown, body_html=str(render_markdown(markdown)), sector=sector,
            district_id=districts[district_index].id if district_index is not None else None,
            estimated_cost=Decimal(cost), expected_jobs=jobs, status=status,
            search_text=fold(f"{title} {markdown}"), created_at=created, updated_at=created)
        db.session.add(proposal)
        db.session.flush()
        for code in codes:
            db.session.add(ProposalGoal(proposal_id=proposal.id, goal_id=goals[code].id))
        db.session.add(ProposalStatusChange(proposal_id=proposal.id, status=ProposalStatus.DRAFT,
                                            changed_at=created, changed_by_id=author.id))
        if status is ProposalStatus.SUBMITTED:
            db.session.add(ProposalStatusChange(
                proposal_id=proposal.id, status=status, changed_by_id=author.id,
                changed_at=created + timedelta(hours=2)))
        db.session.add(Follow(user_id=author.id, proposal_id=proposal.id))
        if status is not ProposalStatus.SUBMITTED:
            continue
        _supports_and_pledges(rng, proposal, consultation, residents, organisations, author)
        _comments(rng, proposal, residents, author, created)
    db.session.flush()
    return True


def _supports_and_pledges(rng, proposal, consultation, residents, organisations, author):
    supporters = rng.sample(residents, rng.randint(0, min(9, len(residents))))
    for person in supporters:
        db.session.add(Support(proposal_id=proposal.id, user_id=person.id))
    proposal.support_count = len(supporters)
    if len(supporters) >= consultation.support_threshold:
        proposal.qualified_at = utcnow()
    members = rng.sample(residents, rng.randint(0, min(11, len(residents))))
    for person in members:
        role = rng.choice([PledgeRole.MEMBER, PledgeRole.MEMBER, PledgeRole.WORKER,
                           PledgeRole.VOLUNTEER])
        db.session.add(Pledge(proposal_id=proposal.id, pledger=f"user:{person.id}",
                              user_id=person.id, role=role))
    if organisations and rng.random() < 0.4:
        for organisation in rng.sample(organisations, rng.randint(1, len(organisations))):
            db.session.add(Pledge(
                proposal_id=proposal.id, pledger=f"organisation:{organisation.id}",
                user_id=author.id, organisation_id=organisation.id, role=PledgeRole.MEMBER))


def _comments(rng, proposal, residents, author, created):
    count = 0
    for _ in range(rng.randint(0, 4)):
        stance = rng.choice([Stance.FOR, Stance.FOR, Stance.AGAINST, Stance.NEUTRAL])
        texts = {Stance.FOR: FOR_COMMENTS, Stance.AGAINST: AGAINST_COMMENTS,
                 Stance.NEUTRAL: NEUTRAL_COMMENTS}[stance]
        commenter = rng.choice(residents)
        moment = created + timedelta(hours=rng.randint(3, 200))
        comment = Comment(proposal_id=proposal.id, author_id=commenter.id, depth=0,
                          stance=stance, body=rng.choice(texts), created_at=moment)
        db.session.add(comment)
        db.session.flush()
        count += 1
        voters = [p for p in rng.sample(residents, rng.randint(0, 4)) if p.id != commenter.id]
        for voter in voters:
            db.session.add(CommentVote(comment_id=comment.id, user_id=voter.id))
        comment.upvote_count = len(voters)
        if stance is not Stance.FOR and rng.random() < 0.7:
            db.session.add(Comment(proposal_id=proposal.id, author_id=author.id,
                                   parent_id=comment.id, depth=1, stance=Stance.FOR,
                                   body=rng.choice(REPLIES),
                                   created_at=moment + timedelta(hours=5)))
            count += 1
    proposal.comment_count = count


def demo_counts() -> dict[str, int]:
    """How much demo content there is (for the command's summary)."""
    return {
        "proposals": db.session.scalar(select(func.count()).select_from(Proposal)) or 0,
        "comments": db.session.scalar(select(func.count()).select_from(Comment)) or 0,
        "supports": db.session.scalar(select(func.count()).select_from(Support)) or 0,
        "pledges": db.session.scalar(select(func.count()).select_from(Pledge)) or 0,
    }



