"""Searches by a fragment of a Chinese name (cases.selectors.names): the officers' registry search,
the public search (公示), the task queue and the auditors' finder return exactly the subjects whose
name contains the fragment, for fragments of 1, 2, 3 and more characters, with digits and Latin
letters; from 3 characters on the statement they run is answered by ``subject_name_trgm``, at 2 by
``subject_name_bigrams``, at 1 by neither (a GIN scan without a key reads the whole index). The
public search looks among the listed subjects alone (``cases_listed_subject``'s own name indexes)
and gives the same answer from either side (their matches sorted, or the listed subjects walked). The 1,000-code batch check finds its subjects through the identifier index.

Plans are read with sequential scans and plain index scans disabled: on a table this small
PostgreSQL would rightly scan it whole or walk the ORDER BY's index; what is asserted is that the
statement is one the index can serve (bench/search.py shows the plans chosen at 10 million)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.selectors.paging import RegistryPaginator
from cases.audit.selectors import FinderQuery, find_cases
from cases.models import Subject
from cases.selectors import disclosure
from cases.selectors.names import name_contains
from cases.selectors.registry import subject_search
from cases.selectors.status import subjects_status
from tests.api.status_fixtures import listed, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db

NAMES = ["张伟", "欧阳建国", "拉萨ABC科技有限公司", "西藏建筑工程2号有限公司", "青海abc建材店", "（西藏）鑫源商贸有限公司",
         "日喀则市建筑劳务有限责任公司"]


@pytest.fixture
def named():
    people = {n: NaturalPersonFactory(name=n) for n in NAMES[:2]}
    companies = {n: SubjectFactory(name=n) for n in NAMES[2:]}
    return {**people, **companies}


def plans(run) -> list[str]:
    """EXPLAIN of every SELECT on cases_subject that ``run()`` executes, with seq and index scans
    disabled and the name's B-tree indexes out of the way (dropped inside a savepoint that is rolled
    back): on a table this small a bitmap scan of a whole B-tree looks cheaper than the name indexes."""
    with CaptureQueriesContext(connection) as captured:
        run()
    out = []
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("""SELECT indexname FROM pg_indexes WHERE tablename = 'cases_subject'
                       AND indexdef LIKE '%%btree (name%%'""")
        for (index,) in cur.fetchall():
            cur.execute(f'DROP INDEX "{index}"')
        for q in captured.captured_queries:
            if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) and "cases_subject" in q["sql"]:
                cur.execute("EXPLAIN " + q["sql"])
                out.append("\n".join(r[0] for r in cur.fetchall()))
        transaction.set_rollback(True)
    return out


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.mark.parametrize(("fragment", "expected"), [
    ("张伟", {"张伟"}),  # a two-character personal name: no trigram
    ("建国", {"欧阳建国"}),
    ("欧阳建国", {"欧阳建国"}),
    ("建", {"欧阳建国", "西藏建筑工程2号有限公司", "青海abc建材店", "日喀则市建筑劳务有限责任公司"}),
    ("建筑", {"西藏建筑工程2号有限公司", "日喀则市建筑劳务有限责任公司"}),
    ("建筑工程", {"西藏建筑工程2号有限公司"}),
    ("工程2号", {"西藏建筑工程2号有限公司"}),  # digits inside a Chinese word
    ("2号", {"西藏建筑工程2号有限公司"}),
    ("ABC科技", {"拉萨ABC科技有限公司"}),
    ("ABC", {"拉萨ABC科技有限公司"}),  # case kept: LIKE
    ("Ab", set()),  # the bigram index is upper-cased: it offers AB in ABC and abc, strpos keeps neither
    ("bc", {"青海abc建材店"}),
    ("AB", {"拉萨ABC科技有限公司"}),
    ("公司", {"拉萨ABC科技有限公司", "西藏建筑工程2号有限公司", "（西藏）鑫源商贸有限公司", "日喀则市建筑劳务有限责任公司"}),
    ("）鑫", {"（西藏）鑫源商贸有限公司"}),  # punctuation inside a two-character piece
    ("伟欧", set()),  # two names' characters side by side are not a piece of either
    ("鑫源商贸", {"（西藏）鑫源商贸有限公司"}),
    ("（西藏）", {"（西藏）鑫源商贸有限公司"}),  # full-width punctuation splits trigram words; the recheck decides
    ("有限公司", {"拉萨ABC科技有限公司", "西藏建筑工程2号有限公司", "（西藏）鑫源商贸有限公司"}),
    ("西藏建筑工程2号有限公司", {"西藏建筑工程2号有限公司"}),  # the index is asked for 西藏建筑工程2号
    ("ABC科技有限公司", {"拉萨ABC科技有限公司"}),
    ("建筑劳务有限责任公司", {"日喀则市建筑劳务有限责任公司"}),
    ("建筑劳务有限公司", set()),
    ("有限责任公司", {"日喀则市建筑劳务有限责任公司"}),
    ("50%", set()),  # LIKE's wildcards are literal characters here
    ("_", set()),
])
def test_a_name_fragment_finds_exactly_the_subjects_that_contain_it(named, fragment, expected):
    assert names(Subject.objects.filter(name_contains(fragment))) == expected
    assert names(subject_search(user=None, query=fragment)) == expected


def test_every_piece_between_legal_form_words_is_asked_of_the_index_in_one_scan(db):
    """A full company name with its number after the legal form: the body and the number are both
    looked up, so the index narrows 5,103 namesakes to one (bench/search.py at 10 million)."""
    wanted = SubjectFactory(name="西藏吉祥安居建筑工程有限公司5102")
    SubjectFactory(name="西藏吉祥安居建筑工程有限公司5103")
    SubjectFactory(name="西藏吉祥安居建筑工程5102有限公司")  # the same pieces, not the same name
    fragment = "西藏吉祥安居建筑工程有限公司5102"
    qs = Subject.objects.filter(name_contains(fragment))
    assert list(qs.values_list("pk", flat=True)) == [wanted.pk]
    sql = str(qs.query)
    assert "LIKE %西藏吉%祥安居%建筑工%程%" in sql and "LIKE %5102%" in sql and "STRPOS" in sql.upper()
    [plan] = plans(lambda: list(qs))
    [index_cond] = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "%西藏吉%祥安居%建筑工%程%" in index_cond and "%5102%" in index_cond, plan


@pytest.mark.parametrize("ignore_case", [False, True])
def test_a_long_piece_is_asked_as_its_chunks_in_order_and_kept_only_where_it_is_whole(db, ignore_case):
    """吉祥安居建筑工程 is asked as 吉祥安, 居建筑 and 工程 in that order (one trigram per chunk: at 10
    million subjects 3.9 ms of index scan against 11.6 ms for all six); names carrying the chunks
    apart, or out of order, are offered by the index and dropped by the check on the whole fragment."""
    whole = SubjectFactory(name="西藏吉祥安居建筑工程有限公司")
    SubjectFactory(name="吉祥安 居建筑工程有限公司")  # the chunks in order, apart
    SubjectFactory(name="居建筑吉祥安工程有限公司")  # out of order
    percent = SubjectFactory(name="吉祥安居建筑工程%有限公司")
    qs = Subject.objects.filter(name_contains("吉祥安居建筑工程", ignore_case=ignore_case))
    assert sorted(qs.values_list("pk", flat=True)) == [whole.pk, percent.pk]
    assert ("ILIKE" if ignore_case else "LIKE") + " %吉祥安%居建筑%工程%" in str(qs.query)
    assert names(Subject.objects.filter(name_contains("建筑工程%有限", ignore_case=ignore_case))) == {
        "吉祥安居建筑工程%有限公司"}  # a wildcard in a chunk is a literal character
    [plan] = plans(lambda: list(qs))
    assert "subject_name_trgm" in plan and "%吉祥安%居建筑%工程%" in plan, plan


def test_a_name_of_eighteen_characters_is_searched_as_a_name_not_taken_for_a_code(world):
    name = "西藏雪域天成建筑工程有限公司1234"
    assert len(name) == 18
    company = SubjectFactory(name=name)
    listed(world, subject=company)
    assert names(subject_search(user=None, query=name)) == {name}
    ids, _truncated = disclosure.matching_subjects(query=disclosure.parse_query(q=name))
    assert ids == [company.pk]


@pytest.mark.parametrize(("fragment", "expected"), [
    ("abc", {"拉萨ABC科技有限公司", "青海abc建材店"}),
    ("Ab", {"拉萨ABC科技有限公司", "青海abc建材店"}),
    ("ABC科技", {"拉萨ABC科技有限公司"}),
    ("建材", {"青海abc建材店"}),
    ("abc科技有限公司", {"拉萨ABC科技有限公司"}),
])
def test_the_auditors_search_ignores_the_case_of_latin_letters(named, fragment, expected):
    assert names(Subject.objects.filter(name_contains(fragment, ignore_case=True))) == expected


def api_page(fragment: str):
    """What the registry API runs: the capped count, then a page of 50."""
    page = RegistryPaginator(subject_search(user=None, query=fragment), 50).page(1)
    return page.paginator.count, list(page.object_list)


def test_a_page_of_few_matches_is_counted_and_sorted_in_one_statement(named):
    """The count and the page's ids in code order come from one statement that asks the name index
    once; the page's rows are then read by primary key."""
    with CaptureQueriesContext(connection) as captured:
        count, rows = api_page("建筑")
    assert (count, [s.name for s in rows]) == (2, sorted(["西藏建筑工程2号有限公司", "日喀则市建筑劳务有限责任公司"],
                                                       key=lambda n: Subject.objects.get(name=n).identifier))
    search, by_pk = (q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(("WITH", "SELECT")))
    assert search.count("cases_name_bigrams") == 1 and "ELSE m.o0 END ASC, m.pk" in search
    assert "cases_name_bigrams" not in by_pk and '"cases_subject"."id" IN' in by_pk
    # without parallel workers (they took 28 ms to start for a 34 ms page at 10 million subjects)
    [settings] = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SET LOCAL")]
    assert "max_parallel_workers_per_gather = 0" in settings and "work_mem = '64MB'" in settings


def test_an_exact_count_pages_in_code_order_page_after_page(named):
    codes = sorted(Subject.objects.filter(name__contains="公司").values_list("identifier", flat=True))
    seen = []
    for number in (1, 2, 3, 4):
        page = RegistryPaginator(subject_search(user=None, query="公司"), 1).page(number)
        assert page.paginator.count == 4 and not page.paginator.capped
        seen += [s.identifier for s in page.object_list]
    assert seen == codes


@pytest.mark.parametrize("fragment", ["建筑工程", "欧阳建国", "ABC科技", "工程2号", "西藏建筑工程2号有限公司"])
def test_a_fragment_of_three_characters_or_more_is_answered_by_the_trigram_index(named, fragment):
    search, *_by_pk = plans(lambda: api_page(fragment))
    assert "subject_name_trgm" in search


@pytest.mark.parametrize("fragment", ["张伟", "建筑", "2号", "AB"])
def test_a_fragment_of_two_characters_is_answered_by_the_bigram_index(named, fragment):
    search, *_by_pk = plans(lambda: api_page(fragment))
    assert "subject_name_bigrams" in search and "subject_name_trgm" not in search


def test_a_single_character_is_looked_up_in_neither_name_index(named):
    for plan in plans(lambda: list(subject_search(user=None, query="建")[:50])):
        assert "subject_name_trgm" not in plan and "subject_name_bigrams" not in plan
    assert names(subject_search(user=None, query="建")) == {
        "欧阳建国", "西藏建筑工程2号有限公司", "青海abc建材店", "日喀则市建筑劳务有限责任公司"}


@pytest.fixture
def public(world):
    person = NaturalPersonFactory(name="张伟")
    company = SubjectFactory(name="西藏雪域ABC建筑工程有限公司")
    SubjectFactory(name="西藏雪域商贸有限公司")  # registered, never listed: never public
    SubjectFactory(name="张伟建筑工程有限公司")  # never listed either
    listed(world, subject=person)
    listed(world, subject=company)
    return {"person": person.pk, "company": company.pk}


PUBLIC = [("张伟", ["person"]), ("建筑工程", ["company"]), ("雪域ABC", ["company"]), ("雪域", ["company"]),
          ("有限公司", ["company"]), ("公司", ["company"]), ("鑫鑫", []), ("西藏雪域ABC建筑工程有限公司", ["company"])]


@pytest.mark.parametrize("candidates", [disclosure.CANDIDATES, 0], ids=["matches sorted", "listed walked"])
def test_the_public_search_finds_the_same_listed_subjects_from_either_side(public, monkeypatch, candidates):
    monkeypatch.setattr(disclosure, "CANDIDATES", candidates)
    for fragment, expected in PUBLIC:
        ids, truncated = disclosure.matching_subjects(query=disclosure.parse_query(q=fragment))
        assert ids == [public[k] for k in expected] and not truncated, fragment
    ids, _truncated = disclosure.matching_subjects(query=disclosure.parse_query(q="建筑工程", kind="RED"))
    assert ids == []  # listed on the blacklist only
    ids, _truncated = disclosure.matching_subjects(query=disclosure.parse_query(q="建筑工程", kind="SERIOUS"))
    assert ids == [public["company"]]


def test_the_public_search_asks_the_listed_subjects_name_indexes_never_the_registrys(public):
    for fragment, index in [("建筑工程", "listed_subject_name_trgm"), ("张伟", "listed_subject_name_bigrams")]:
        with CaptureQueriesContext(connection) as captured:
            disclosure.matching_subjects(query=disclosure.parse_query(q=fragment))
        [search] = [q["sql"] for q in captured.captured_queries]
        assert '"cases_listed_subject"' in search and '"cases_subject"' not in search
        assert "ORDER BY" not in search  # the first CANDIDATES + 1 the index gives, sorted in Python
        plan = explain(search)
        assert index in plan and "cases_subject " not in plan, plan


def test_a_broad_public_search_walks_the_listed_subjects_in_id_order(public, monkeypatch):
    """More than ``CANDIDATES`` match: the listed subjects' primary key is walked, each name checked,
    until enough match (a broad fragment finds them early); the registry is never read."""
    monkeypatch.setattr(disclosure, "CANDIDATES", 0)
    with CaptureQueriesContext(connection) as captured:
        ids, truncated = disclosure.matching_subjects(query=disclosure.parse_query(q="公司"))
    assert ids == [public["company"]] and not truncated
    probe, walk = (q["sql"] for q in captured.captured_queries)
    assert "ORDER BY 1 ASC LIMIT" in walk and "STRPOS" in walk.upper()
    plan = explain(walk)
    assert "cases_listed_subject_pkey" in plan and "cases_subject " not in plan, plan


def explain(sql: str) -> str:
    """The plan with sequential scans off: on a table this small PostgreSQL would rightly read it whole."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(r[0] for r in cur.fetchall())
        cur.execute("SET LOCAL enable_seqscan = on")
    return plan


def test_the_auditors_finder_looks_names_up_through_the_index_ignoring_case(world):
    company = SubjectFactory(name="西藏雪域abc建筑工程有限公司")
    entry = listed(world, subject=company)
    page = find_cases(user=world["auditor"], query=FinderQuery(q="雪域ABC"))
    assert entry.pk in {r.pk for r in page.rows if r.kind == "entry"}
    [subjects, *_rest] = plans(lambda: find_cases(user=world["auditor"], query=FinderQuery(q="雪域ABC")))
    assert "subject_name_trgm" in subjects


def test_the_batch_check_finds_its_subjects_through_the_identifier_index(world):
    listed(world)
    others = [SubjectFactory().identifier for _ in range(20)]
    codes = [world["subject"].identifier, *others]
    answers = subjects_status(user=world["officer_a"], codes=codes, unit=world["impl_a"])
    assert answers[world["subject"].identifier]["listed"] is True
    assert {c for c, a in answers.items() if a["subject"]} == set(codes)
    [plan, *_measures] = plans(lambda: subjects_status(user=world["officer_a"], codes=codes, unit=world["impl_a"]))
    assert "cases_subject_identifier" in plan and "Seq Scan on cases_subject" not in plan


@pytest.fixture
def analysed_registry(monkeypatch):
    """600 registered names, 30 of them carrying 鸿运 (5 %), analysed; ``common_bigram`` counts a
    registry this small as large enough, and forgets what it learnt here when the test ends."""
    from cases.selectors import names as names_module

    Subject.objects.bulk_create(
        Subject(kind="LEGAL_PERSON", identifier_type="USCC", identifier=f"9154{i:014d}",
                name=f"西藏鸿运{i}商贸有限公司" if i % 20 == 0 else f"拉萨{i}号农牧合作社")
        for i in range(600))
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_subject")
    monkeypatch.setattr(names_module, "WALK_FROM_ROWS", 0)
    names_module._bigram_share.cache_clear()
    yield names_module
    names_module._bigram_share.cache_clear()


def test_a_common_two_character_word_is_found_by_a_walk_without_the_bigram_function(analysed_registry):
    """At 10 million subjects the bigram index had to hand over all 632,649 names carrying 鸿运
    before the first row (65 ms; 356 ms when the bitmap went lossy and the PL/pgSQL function checked
    every name on its pages), where a walk checking each name with strpos meets one every 16 names."""
    assert analysed_registry.common_bigram("鸿运") and not analysed_registry.common_bigram("鑫鑫")
    common = Subject.objects.filter(name_contains("鸿运"))
    assert "STRPOS" in str(common.query).upper() and "cases_name_bigrams" not in str(common.query)
    assert "cases_name_bigrams" in str(Subject.objects.filter(name_contains("鑫鑫")).query)
    assert common.count() == 30
    count, rows = api_page("鸿运")
    assert count == 30 and len(rows) == 30 and all("鸿运" in s.name for s in rows)
    for plan in plans(lambda: api_page("鸿运")):
        assert "subject_name_bigrams" not in plan and "cases_name_bigrams" not in plan, plan


def test_a_registry_never_analysed_or_small_keeps_the_bigram_index(named, monkeypatch):
    from cases.selectors import names as names_module

    names_module._bigram_share.cache_clear()
    try:
        with connection.cursor() as cur:
            cur.execute("ANALYZE cases_subject")  # 7 names, 4 of them carrying 公司: small, so the index
        assert not names_module.common_bigram("公司")
        assert "cases_name_bigrams" in str(Subject.objects.filter(name_contains("公司")).query)
    finally:
        names_module._bigram_share.cache_clear()


def test_past_the_cap_every_page_comes_from_one_window_of_the_cap_s_size(named, monkeypatch):
    """Past the cap the pages list ``cap`` matches the one statement met first, in registration
    order: together exactly ``cap`` different matches, each page from that same window."""
    monkeypatch.setattr(RegistryPaginator, "cap", 3)
    seen = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            page = RegistryPaginator(subject_search(user=None, query="公司"), 1).page(number)
        assert (page.paginator.count, page.paginator.capped) == (3, True)
        assert sum("公司" in q["sql"] for q in captured.captured_queries) == 1  # counted and paged at once
        seen += [s.pk for s in page.object_list]
    assert len(set(seen)) == 3 and seen == sorted(seen)
    assert set(seen) <= set(Subject.objects.filter(name__contains="公司").values_list("pk", flat=True))
    assert any("synchronize_seqscans = off" in q["sql"]  # a walk starts at the table's first block
               for q in captured.captured_queries)
