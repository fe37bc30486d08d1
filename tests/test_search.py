"""Chinese search (articles.search): the tokenizer, recall equal to a substring scan,
traditional queries, ranking, and the search pages with every other filter.

Runs on SQLite (FTS5 table) and on PostgreSQL (tsvector + GIN): the same assertions must
hold on both, which is the point of the recall test below.

Semantics pinned here:

- Han text matches like a LIKE scan over the normalised text (NFKC, lower case, OpenCC
  t2s) of title + summary + body text: ``光学`` finds every story whose text contains
  ``光学``, whatever the length of the query (1 to 6 characters are checked).
- Latin letters and digits match by word prefix, not mid-word: ``opti`` finds ``optics``,
  ``ptics`` does not; letters and digits are separate words (``G60`` is ``g`` + ``60``).
- Every run of a query (words separated by spaces, and Han/Latin/digit runs inside a word)
  must match somewhere in the story: ``AI 眼镜`` and ``G60科创`` are ANDs of their runs.
"""

import datetime as dt
import random
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override

from articles import search
from articles.models import Article, Status
from articles.text import to_traditional

from .factories import ArticleFactory, TopicFactory
from .helpers import facet

BEIJING = ZoneInfo("Asia/Shanghai")
# The two scraped pages, exactly as scraped, that the demo imports.
SAMPLES = Path(settings.BASE_DIR) / "articles" / "demo" / "raw"

# The reference scan's own idea of a Han character and of a Latin/digit word, written
# independently of articles.search's regular expressions.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN_CHARS}]+")
WORD = re.compile(r"[a-z]+|[0-9]+")
QUERY_RUN = re.compile(f"[{HAN_CHARS}]+|[a-z]+|[0-9]+")


# --- Tokenizer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Overlapping bigrams, and the final character of each run on its own.
        ("宇瞳镜头", ["宇瞳", "瞳镜", "镜头", "头"]),
        ("眼", ["眼"]),
        ("眼镜", ["眼镜", "镜"]),
        # Punctuation, spaces and line breaks end a run: no bigram spans them.
        ("眼镜，光学", ["眼镜", "镜", "光学", "学"]),
        ("眼镜 光学\n产业", ["眼镜", "镜", "光学", "学", "产业", "业"]),
        # NFKC: full-width letters and digits become ASCII words.
        ("ＡＩ眼镜１２３", ["ai", "眼镜", "镜", "123"]),
        ("Ｇ６０科创", ["g", "60", "科创", "创"]),
        # Traditional characters are indexed as simplified.
        ("光學眼鏡", ["光学", "学眼", "眼镜", "镜"]),
        ("產業發展", ["产业", "业发", "发展", "展"]),
        # Latin words lower-cased; digits split from letters.
        ("Optics LED iPhone16", ["optics", "led", "iphone", "16"]),
        ("G60科创走廊2025年", ["g", "60", "科创", "创走", "走廊", "廊", "2025", "年"]),
        # Neither punctuation nor symbols are tokens.
        ("！！...“”《》", []),
        ("", []),
    ],
)
def test_tokens(text, expected):
    assert search.tokens(text) == expected


def test_normalise_is_nfkc_lower_case_simplified():
    assert search.normalise("ＡＩ 光學 Optics") == "ai 光学 optics"
    assert search.normalise(None) == ""


def test_parse_query_phrases_prefixes_and_words():
    term = search.Term
    # Two or more Han characters: a phrase of their bigrams (no final character, so the
    # phrase also matches inside longer runs).
    assert search.parse_query("宇瞳镜头") == [term(("宇瞳", "瞳镜", "镜头"))]
    assert search.parse_query("眼镜") == [term(("眼镜",))]
    # One Han character: a prefix of a token (every character of a run starts one).
    assert search.parse_query("眼") == [term(("眼",), prefix=True)]
    # Latin words and numbers are word prefixes; every run of every word is ANDed.
    assert search.parse_query("AI 眼鏡") == [term(("ai",), True), term(("眼镜",))]
    assert search.parse_query("G60科创") == [
        term(("g",), True),
        term(("60",), True),
        term(("科创",)),
    ]
    # The same term twice counts once; punctuation alone is no query.
    assert search.parse_query("眼镜 眼鏡 眼镜") == [term(("眼镜",))]
    assert search.parse_query("！！ ... “” ") == []
    assert search.parse_query("") == [] and search.parse_query(None) == []
    # At most MAX_QUERY_TERMS words are used.
    many = " ".join(f"词{chr(0x4E00 + i)}" for i in range(20))
    assert len(search.parse_query(many)) == search.MAX_QUERY_TERMS


def test_query_syntax_for_both_databases():
    terms = search.parse_query("AI 宇瞳镜头 眼")
    assert search.pg_tsquery(terms) == "('ai':*) & ('宇瞳' <-> '瞳镜' <-> '镜头') & ('眼':*)"
    assert search.pg_tsquery(terms, "A") == (
        "('ai':*A) & ('宇瞳':A <-> '瞳镜':A <-> '镜头':A) & ('眼':*A)"
    )
    assert search.fts5_query(terms) == '"ai"* AND "宇瞳 瞳镜 镜头" AND "眼"*'
    assert search.fts5_query(terms, "title") == (
        'title: "ai"* AND title: "宇瞳 瞳镜 镜头" AND title: "眼"*'
    )


def test_tsvector_literals_weigh_the_title_and_never_join_title_and_body():
    everything, title = search.tsvector_literals("眼镜 AI", "眼镜产业")
    # Title tokens weigh A, the rest D; a gap in positions keeps phrases inside one part.
    assert everything == "'眼镜':1A '镜':2A 'ai':3A '眼镜':5D '镜产':6D '产业':7D '业':8D"
    # title_vector: the title tokens alone, at the same positions.
    assert title == "'眼镜':1A '镜':2A 'ai':3A"


def test_highlight_marks_matches_in_the_original_text_and_escapes_the_rest():
    snippet = search.highlight("<p>临海眼镜产业&nbsp;<b>光學</b>眼鏡 R&amp;D</p>", "眼镜 光学")
    # Entities of the stored HTML are text: shown once escaped, never as "&amp;nbsp;".
    assert snippet == "临海<mark>眼镜</mark>产业 <mark>光學</mark><mark>眼鏡</mark> R&amp;D"
    assert search.highlight("<script>alert(1)</script>眼镜", "眼镜") == "alert(1)<mark>眼镜</mark>"
    long = "甲" * 300 + "眼镜" + "乙" * 300
    snippet = search.highlight(long, "眼镜", width=60)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>眼镜</mark>" in snippet
    assert search.highlight("没有命中", "眼镜") == "没有命中"


# --- Recall: the same hits as a substring scan on a generated corpus ------------------------------

N_STORIES = 2400
SEED = 20250620

LATIN = [
    "AI", "AR", "VR", "AR/VR", "LED", "optics", "optical", "opticians", "lens", "lenses",
    "G60", "5G", "2025", "2025年", "20", "iPhone", "Co., Ltd.", "ＡＩ", "ＬＥＤ", "Optics",
    "MiniLED", "3D", "8K",
]  # fmt: skip


def sample_vocabulary():
    """Han words cut from the two samples' Han runs (simplified), plus the runs themselves."""
    paths = sorted(SAMPLES.glob("*.txt"))
    assert len(paths) == 2, f"the two samples are expected in {SAMPLES}"
    rng = random.Random(SEED)
    words = set()
    for path in paths:
        for run in HAN_RUN.findall(search.normalise(path.read_text(encoding="utf-8"))):
            if len(run) <= 8:
                words.add(run)
            i = 0
            while i < len(run):
                size = rng.choice((1, 2, 2, 2, 3, 4))
                words.add(run[i : i + size])
                i += size
    # Keep words that are already in normal form, so a story's text is what it shows.
    return sorted(w for w in words if search.normalise(w) == w)


def generate_stories(n, seed=SEED):
    """``n`` unsaved, published stories made of sample words, Latin words and numbers."""
    rng = random.Random(seed)
    vocabulary = sample_vocabulary()
    common = vocabulary[:: max(1, len(vocabulary) // 40)]  # some words recur a lot

    def word():
        roll = rng.random()
        if roll < 0.06:
            return rng.choice(LATIN)
        if roll < 0.09:
            return to_traditional(rng.choice(vocabulary))  # a traditional reprint
        return rng.choice(common if roll < 0.30 else vocabulary)

    def sentence(lo, hi):
        parts = []
        for _ in range(rng.randint(lo, hi)):
            parts.append(word())
            roll = rng.random()
            if roll < 0.15:
                parts.append(rng.choice("，、；： "))
        return "".join(parts) + rng.choice(("。", "！", "", "？"))

    def paragraph():
        text = sentence(6, 18) + sentence(4, 12)
        if rng.random() < 0.2:
            # Markup inside a word: the search sees the text without tags.
            cut = rng.randrange(len(text))
            text = f"{text[:cut]}<strong>{text[cut:]}</strong>"
        return f"<p>{text}</p>"

    start = dt.datetime(2023, 1, 1, tzinfo=BEIJING)
    minutes = rng.sample(range(2 * 365 * 24 * 60), n)  # distinct times: a total order
    stories = []
    for i in range(n):
        stories.append(
            Article(
                title=sentence(2, 6)[:200],
                slug=f"story-{i}",
                summary=sentence(3, 10)[:500],
                body="".join(paragraph() for _ in range(rng.randint(1, 4))),
                status=Status.PUBLISHED,
                published_at=start + dt.timedelta(minutes=minutes[i]),
            )
        )
    return stories


class Reference:
    """The substring scan the search must agree with, over search.document_text."""

    def __init__(self, articles):
        self.docs = []
        for article in articles:
            title, rest = search.document_text(article)
            title, rest = search.normalise(title), search.normalise(rest)
            self.docs.append(
                SimpleNamespace(
                    pk=article.pk,
                    published_at=article.published_at,
                    title=title,
                    text=f"{title}\n{rest}",
                    title_words=WORD.findall(title),
                    words=WORD.findall(f"{title}\n{rest}"),
                )
            )

    @staticmethod
    def terms(q):
        return [
            run
            for word in q.split()[: search.MAX_QUERY_TERMS]
            for run in QUERY_RUN.findall(search.normalise(word))
        ]

    @staticmethod
    def _matches(term, text, words):
        if HAN_RUN.fullmatch(term):
            return term in text  # exactly LIKE '%term%'
        return any(w.startswith(term) for w in words)  # a word starting with the term

    def hits(self, q):
        terms = self.terms(q)
        return [
            d for d in self.docs if terms and all(self._matches(t, d.text, d.words) for t in terms)
        ]

    def ids(self, q):
        return {d.pk for d in self.hits(q)}

    def ranked(self, q):
        """Title hits first (every term in the title), then newest first."""
        terms = self.terms(q)

        def in_title(d):
            return all(self._matches(t, d.title, d.title_words) for t in terms)

        return [
            d.pk
            for d in sorted(
                self.hits(q), key=lambda d: (not in_title(d), -d.published_at.timestamp(), -d.pk)
            )
        ]


def found(q, queryset=None):
    queryset = Article.objects.all() if queryset is None else queryset
    return list(search.search(queryset, q).values_list("pk", flat=True))


@pytest.fixture(scope="class")
def corpus(django_db_setup, django_db_blocker):
    """2,400 generated stories, committed once for the class and deleted afterwards."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            Article.objects.bulk_create(generate_stories(N_STORIES), batch_size=500)
            # bulk_create bypasses Article.save, so the index is written here.
            articles = list(Article.objects.all())
            assert len(articles) == N_STORIES
            assert search.rebuild_index(Article.objects.all()) == N_STORIES
        try:
            yield Reference(articles)
        finally:
            with transaction.atomic():
                Article.objects.all().delete()
                if connection.vendor == "sqlite":
                    with connection.cursor() as cursor:
                        cursor.execute("DELETE FROM articles_search")


def han_queries(reference, rng, per_length=25):
    """Substrings of the stories' Han runs, 1 to 6 characters, plus strings that occur nowhere."""
    runs = [run for d in reference.docs for run in HAN_RUN.findall(d.text)]
    chars = sorted({ch for run in runs for ch in run})
    queries = []
    for length in range(1, 7):
        candidates = [run for run in runs if len(run) >= length]
        for _ in range(per_length):
            run = rng.choice(candidates)
            start = rng.randrange(len(run) - length + 1)
            queries.append(run[start : start + length])
        absent = 0
        while absent < 4 and length > 1:
            q = "".join(rng.choice(chars) for _ in range(length))
            if not reference.ids(q):
                queries.append(q)
                absent += 1
    return list(dict.fromkeys(queries))


@pytest.mark.django_db
class TestRecallEqualsSubstringScan:
    def test_han_queries_of_one_to_six_characters(self, corpus):
        rng = random.Random(SEED + 1)
        queries = han_queries(corpus, rng)
        assert len(queries) >= 150
        sizes = []
        for q in queries:
            expected = corpus.ranked(q)
            assert found(q) == expected, q  # the same stories, and in rank order
            sizes.append(len(expected))
        # Not a vacuous test: rare, common and absent strings were all asked for.
        assert sum(1 for s in sizes if s == 0) >= 15
        assert sum(1 for s in sizes if 1 <= s <= 5) >= 20
        assert max(sizes) > N_STORIES // 4

    def test_a_plain_like_scan_finds_nothing_the_search_misses(self, corpus):
        """LIKE on the stored columns (simplified text) is a subset: it cannot see a
        traditional reprint or a word cut by markup, the search does."""
        rng = random.Random(SEED + 2)
        for q in han_queries(corpus, rng, per_length=5):
            like = set(
                Article.objects.filter(
                    Q_contains("title", q) | Q_contains("summary", q) | Q_contains("body", q)
                ).values_list("pk", flat=True)
            )
            assert like <= set(found(q)), q

    def test_traditional_queries_find_the_same_stories(self, corpus):
        rng = random.Random(SEED + 3)
        checked = 0
        for q in han_queries(corpus, rng, per_length=8):
            traditional = to_traditional(q)
            if traditional == q or search.normalise(traditional) != q:
                continue
            assert set(found(traditional)) == set(found(q)) == corpus.ids(q), (q, traditional)
            checked += 1
        assert checked >= 10

    @pytest.mark.parametrize(
        "q",
        [
            # Word prefixes match; mid-word strings do not.
            "opti", "optics", "optic", "ptics", "len", "lens", "lenses", "led", "LED", "ＬＥＤ",
            "miniled", "ai", "AR", "vr", "iphone", "ltd", "co", "g", "xyz",
            # Numbers: "20" also finds 2025 (prefix), "025" finds nothing (mid-word).
            "2025", "20", "025", "60", "5", "3", "8k",
        ],
    )  # fmt: skip
    def test_latin_and_number_queries_match_by_word_prefix(self, corpus, q):
        assert found(q) == corpus.ranked(q)

    def test_latin_prefix_examples(self, corpus):
        assert corpus.ids("opti") >= corpus.ids("optics") | corpus.ids("opticians")
        assert corpus.ids("optics") and not corpus.ids("ptics") and not found("ptics")

    def test_mixed_and_multi_word_queries(self, corpus):
        rng = random.Random(SEED + 4)
        singles = han_queries(corpus, rng, per_length=6)
        queries = [
            "AI 眼镜", "ＡＩ眼鏡", "G60科创", "g60 科创", "2025年 光学", "LED 产业",
            "AR/VR 眼镜", "optics 光學", "眼镜 光学", "产业 集群 创新", "眼镜，产业",
        ]  # fmt: skip
        for _ in range(40):
            words = rng.sample(singles, rng.randint(2, 3))
            queries.append(" ".join(words))
            queries.append(rng.choice(LATIN) + " " + words[0])
        hits = 0
        for q in queries:
            expected = corpus.ranked(q)
            assert found(q) == expected, q
            hits += bool(expected)
        assert hits >= 20

    def test_search_keeps_other_filters_of_the_queryset(self, corpus):
        rng = random.Random(SEED + 5)
        cutoff = dt.datetime(2024, 1, 1, tzinfo=BEIJING)
        for q in han_queries(corpus, rng, per_length=3):
            newer = Article.objects.filter(published_at__gte=cutoff)
            expected = [
                pk for pk in corpus.ranked(q)
                if next(d for d in corpus.docs if d.pk == pk).published_at >= cutoff
            ]  # fmt: skip
            assert found(q, newer) == expected, q

    def test_slices_of_ranked_results_are_the_same_rows(self, corpus):
        """A slice (a page) is fetched as title hits newest first, then the others newest
        first; every slice must equal the same slice of the full ranking."""
        rng = random.Random(SEED + 6)
        checked = 0
        for q in han_queries(corpus, rng, per_length=10):
            expected = corpus.ranked(q)
            n_titles = len(
                [d for d in corpus.hits(q) if all(t in d.title for t in corpus.terms(q))]
            )
            if not 0 < n_titles < len(expected) or len(expected) < 10:
                continue
            queryset = search.search(Article.objects.all(), q)
            bounds = {(0, 20), (0, 1), (3, 9), (20, 40), (len(expected) - 5, len(expected) + 5),
                      (len(expected) + 3, len(expected) + 10), (max(0, n_titles - 3), n_titles + 5),
                      (n_titles, n_titles + 1), (n_titles + 2, n_titles + 9)}  # fmt: skip
            for low, high in sorted(bounds):
                assert [a.pk for a in queryset[low:high]] == expected[low:high], (q, low, high)
            assert [a.pk for a in queryset[n_titles + 1 :]] == expected[n_titles + 1 :], q
            assert list(queryset.values_list("pk", flat=True)[2:30]) == expected[2:30], q
            assert queryset[n_titles].pk == expected[n_titles], q
            checked += 1
            if checked == 12:
                break
        assert checked == 12

    def test_a_page_never_sorts_every_match_by_title_hit(self, corpus):
        common = max(("产业", "眼镜", "光学"), key=lambda q: len(corpus.ids(q)))
        expected = corpus.ranked(common)
        assert len(expected) > 300
        queryset = search.search(Article.objects.all(), common).prefetch_related("topics")
        with CaptureQueriesContext(connection) as queries:
            page = list(queryset[:20])
        assert [a.pk for a in page] == expected[:20]
        assert 1 <= len(queries) <= 3  # title hits, (the rest,) the topics
        for query in queries.captured_queries:
            order_by = query["sql"].rsplit("ORDER BY", 1)[-1]
            assert "@@" not in order_by and "articles_search" not in order_by, query["sql"]

    def test_a_counted_slice_with_few_matches_is_cut_from_the_count(self, corpus):
        """Counted with no more than the cap, a slice is the counted matches ranked in
        Python, fetched by pk in one query; over the cap, it is the two streams."""
        common = max(("产业", "眼镜", "光学"), key=lambda q: len(corpus.ids(q)))
        expected = corpus.ranked(common)
        for cap, streams in ((len(expected), False), (len(expected) - 1, True)):
            queryset = search.search(Article.objects.all(), common).prefetch_related("topics")
            assert search.capped_count(queryset, cap=cap) == min(len(expected), cap + 1)
            for low, high in ((0, 20), (20, 40), (len(expected) - 7, len(expected) + 5)):
                with CaptureQueriesContext(connection) as queries:
                    page = list(queryset[low:high])
                assert [a.pk for a in page] == expected[low:high], (cap, low, high)
                if not streams:
                    assert len(queries) == 2, queries.captured_queries  # the rows, the topics
                    assert "ORDER BY" not in queries.captured_queries[0]["sql"]

    @pytest.mark.parametrize("cap", [1000, 50])
    def test_search_pages_follow_the_ranking(self, corpus, client, monkeypatch, cap):
        """The paginator counts first: few matches are ranked from the count, many in two
        newest-first queries."""
        monkeypatch.setattr(search, "COUNT_CAP", cap)
        rng = random.Random(SEED + 7)
        candidates = [q for q in han_queries(corpus, rng, per_length=6) if len(q) == 2]
        q = max(candidates, key=lambda q: len(corpus.ids(q)) if len(corpus.ids(q)) < 1000 else 0)
        expected = corpus.ranked(q)
        assert len(expected) > 60
        for number in (1, 2, 3):
            response = client.get(f"/search/?q={quote(q)}&page={number}")
            # The list ends at the cap: "more than 50 stories" has pages up to the 50th.
            reachable = expected[:cap]
            assert page_ids(response) == reachable[(number - 1) * 20 : number * 20], number

    def test_capped_count_counts_no_further_than_the_cap(self, corpus):
        common = max(("的", "产业", "眼镜", "光学"), key=lambda q: len(corpus.ids(q)))
        total = len(corpus.ids(common))
        assert total > 50
        queryset = search.search(Article.objects.all(), common)
        assert search.capped_count(queryset, cap=50) == 51
        assert search.capped_count(queryset, cap=total) == total
        assert search.capped_count(queryset, cap=total + 10) == total


def Q_contains(field, q):  # noqa: N802 - reads like Q()
    return Q(**{f"{field}__contains": q})


# --- Small cases --------------------------------------------------------------------------------


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.mark.django_db
def test_traditional_queries_find_simplified_stories():
    glasses = ArticleFactory(title="临海眼镜产业", body="<p>镜架与镜片</p>")
    optics = ArticleFactory(title="年会", summary="浙江省光学学会成立")
    ArticleFactory(title="无关新闻")

    assert found("眼鏡") == [glasses.pk]
    assert found("光學") == [optics.pk]
    assert found("光學學會") == [optics.pk]
    assert found("鏡片") == [glasses.pk]


@pytest.mark.django_db
def test_traditional_stories_are_found_by_simplified_queries():
    story = ArticleFactory(title="眼鏡產業", body="<p>光學元件</p>")
    assert found("眼镜产业") == [story.pk]
    assert found("光学") == [story.pk]


@pytest.mark.django_db
def test_a_title_hit_ranks_above_a_newer_body_hit_and_equals_go_newest_first():
    old_title = ArticleFactory(title="宇瞳镜头发布", published_at=hours_ago(50))
    newer_title = ArticleFactory(title="新款宇瞳镜头", published_at=hours_ago(40))
    newest_body = ArticleFactory(
        title="光学新闻", body="<p>展出了宇瞳镜头。</p>", published_at=hours_ago(1)
    )
    older_body = ArticleFactory(
        title="产业新闻", summary="宇瞳镜头亮相", published_at=hours_ago(60)
    )
    ArticleFactory(title="宇瞳", body="<p>镜头</p>", published_at=hours_ago(2))  # not a phrase

    assert found("宇瞳镜头") == [newer_title.pk, old_title.pk, newest_body.pk, older_body.pk]


@pytest.mark.django_db
def test_a_title_hit_needs_every_term_in_the_title():
    both_in_title = ArticleFactory(title="AI 眼镜", published_at=hours_ago(10))
    split = ArticleFactory(title="AI 新品", body="<p>智能眼镜</p>", published_at=hours_ago(1))
    assert found("AI 眼镜") == [both_in_title.pk, split.pk]


@pytest.mark.django_db
def test_a_phrase_never_spans_title_and_body_or_punctuation():
    ArticleFactory(title="临海眼", summary="镜产业")
    ArticleFactory(title="临海眼，镜产业")
    ArticleFactory(title="宇瞳 镜头")
    assert found("眼镜") == []
    assert found("宇瞳镜头") == []


@pytest.mark.django_db
def test_saving_a_story_keeps_the_index_current():
    story = ArticleFactory(title="旧标题", body="<p>旧正文</p>")
    assert found("旧标题") == [story.pk]

    story.title = "新标题"
    story.body = "<p>新正文</p>"
    story.save()

    assert found("旧标题") == [] and found("旧正文") == []
    assert found("新标题") == [story.pk] and found("新正文") == [story.pk]


def index_rows(pk):
    """How many index entries story ``pk`` has: its FTS5 row, or its row's vectors."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM articles_search WHERE rowid = %s", [pk])
        else:
            cursor.execute(
                "SELECT count(*) FROM articles_article WHERE id = %s"
                " AND (search_vector IS NOT NULL OR title_vector IS NOT NULL)",
                [pk],
            )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_deleted_story_leaves_the_index(admin_client):
    one, two, three, kept = (ArticleFactory(title=f"删除测试{n}") for n in range(4))
    assert all(index_rows(story.pk) == 1 for story in (one, two, three, kept))

    one.delete()
    Article.objects.filter(pk=two.pk).delete()
    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "delete_selected", "_selected_action": [three.pk], "post": "yes"},
    )
    assert response.status_code == 302

    assert [index_rows(story.pk) for story in (one, two, three)] == [0, 0, 0]
    assert index_rows(kept.pk) == 1
    assert found("删除测试") == [kept.pk]


@pytest.mark.django_db
def test_html_entities_of_the_body_are_text_not_words():
    story = ArticleFactory(title="研发", body="<p>R&amp;D 眼镜&nbsp;产业 1&lt;2</p>")
    assert found("R&D") == [story.pk]
    assert found("amp") == [] and found("nbsp") == [] and found("lt") == []
    assert found("眼镜") == [story.pk] and found("镜产") == []


@pytest.mark.django_db
def test_search_leaves_the_queryset_alone_when_there_is_nothing_to_search_for():
    a, b = ArticleFactory(), ArticleFactory()
    for q in ("", "   ", "！！", "...", "“”", "%", "_", '"', "*"):
        assert set(found(q)) == {a.pk, b.pk}, q


@pytest.mark.django_db
def test_query_syntax_characters_are_only_text():
    story = ArticleFactory(title="near and or not 眼镜")
    for q in ('眼镜"', "眼镜*", "NEAR(眼镜)", "眼镜 OR 光学", "眼镜 AND", "NOT 眼镜", "眼镜 -光学",
              "title:眼镜", "'眼镜'", "眼镜 & | ! <->", "眼镜\\"):  # fmt: skip
        found(q)  # never an error
    assert found("NEAR(眼镜)") == [story.pk]
    assert found("眼镜 OR 光学") == []  # "or" is a word, 光学 must match too


@pytest.mark.django_db
def test_drafts_and_future_stories_never_appear_in_search_results(client):
    shown = ArticleFactory(title="互聘共享活动")
    ArticleFactory(title="互聘共享草稿", status=Status.DRAFT)
    ArticleFactory(title="互聘共享定时", published_at=timezone.now() + dt.timedelta(hours=1))

    assert found("互聘共享", Article.objects.published()) == [shown.pk]
    for url in ("/search/?q=", "/articles/?q="):
        response = client.get(url + quote("互聘共享"))
        assert [a.pk for a in response.context["articles"]] == [shown.pk]
        html = response.content.decode()
        assert "草稿" not in html and "定时" not in html


# --- The search pages -------------------------------------------------------------------------


def page_ids(response):
    assert response.status_code == 200, response.status_code
    return [a.pk for a in response.context["articles"]]


def message(msgid, **params):
    with override("zh-hans"):
        text = gettext(msgid)
    return escape(text % params if params else text)


@pytest.fixture
def stories(places):
    glasses = TopicFactory(name="眼镜")
    lenses = TopicFactory(name="镜片")
    s = SimpleNamespace(places=places, glasses=glasses, lenses=lenses)
    s.linhai = ArticleFactory(
        title="临海眼镜产业推进会",
        summary="眼镜产业科技创新",
        place=places.linhai,
        topics=[glasses],
        published_at=dt.datetime(2025, 6, 20, 10, tzinfo=BEIJING),
    )
    s.duqiao = ArticleFactory(
        title="杜桥镇新闻",
        body="<p>杜桥<b>眼镜</b>企业扩产。</p>",
        place=places.duqiao,
        topics=[lenses],
        published_at=dt.datetime(2025, 6, 10, 10, tzinfo=BEIJING),
    )
    s.shangrao = ArticleFactory(
        title="上饶光学元件产业",
        summary="智能眼镜与光学镜头",
        place=places.zone,
        topics=[glasses],
        published_at=dt.datetime(2025, 5, 1, 10, tzinfo=BEIJING),
    )
    s.unrelated = ArticleFactory(
        title="上饶经开区招商",
        place=places.shangrao,
        published_at=dt.datetime(2025, 6, 21, 10, tzinfo=BEIJING),
    )
    return s


@pytest.mark.django_db
def test_q_combines_with_place(client, stories):
    q = quote("眼镜")
    assert page_ids(client.get(f"/articles/?q={q}")) == [
        stories.linhai.pk,  # title hit first
        stories.duqiao.pk,
        stories.shangrao.pk,
    ]
    assert page_ids(client.get(f"/articles/?place=zhejiang&q={q}")) == [
        stories.linhai.pk,
        stories.duqiao.pk,
    ]
    assert page_ids(client.get(f"/articles/?place=duqiao&q={q}")) == [stories.duqiao.pk]
    assert page_ids(client.get(f"/articles/?place=jiangxi&q={q}")) == [stories.shangrao.pk]
    assert page_ids(client.get(f"/articles/?place=jiangxi&q={quote('杜桥')}")) == []


@pytest.mark.django_db
def test_q_combines_with_topic(client, stories):
    q, topic = quote("眼镜"), quote("眼镜")
    assert page_ids(client.get(f"/articles/?topic={topic}&q={q}")) == [
        stories.linhai.pk,
        stories.shangrao.pk,
    ]
    assert page_ids(client.get(f"/search/?topic={quote('镜片')}&q={q}")) == [stories.duqiao.pk]
    both = f"/articles/?topic={topic}&place=jiangxi&q={quote('光学')}"
    assert page_ids(client.get(both)) == [stories.shangrao.pk]


@pytest.mark.django_db
def test_q_combines_with_a_date_range(client, stories):
    q = quote("眼镜")
    june = page_ids(client.get(f"/articles/?date_from=2025-06-01&date_to=2025-06-30&q={q}"))
    assert june == [stories.linhai.pk, stories.duqiao.pk]
    assert page_ids(client.get(f"/articles/?date_to=2025-06-15&q={q}")) == [
        stories.duqiao.pk,
        stories.shangrao.pk,
    ]
    assert page_ids(client.get(f"/articles/?date_from=2025-06-21&q={q}")) == []


@pytest.mark.django_db
def test_sort_newest_overrides_best_match(client, stories):
    q = quote("眼镜")
    assert page_ids(client.get(f"/search/?q={q}&sort=newest")) == [
        stories.linhai.pk,
        stories.duqiao.pk,
        stories.shangrao.pk,
    ]
    # "Best match": the newer body hit comes after the older title hit.
    old_title = ArticleFactory(
        title="眼镜旧闻", published_at=dt.datetime(2020, 1, 1, tzinfo=BEIJING)
    )
    assert page_ids(client.get(f"/search/?q={q}"))[:2] == [stories.linhai.pk, old_title.pk]


@pytest.mark.django_db
def test_facet_counts_follow_the_query(client, stories):
    response = client.get("/articles/?q=" + quote("杜桥"))
    assert facet(response, "place") == {
        "zhejiang": 1,
        "taizhou": 1,
        "linhai": 1,
        "duqiao": 1,
    }


@pytest.mark.django_db
def test_search_page_highlights_matches_and_names_the_query(client, stories):
    response = client.get("/search/?q=" + quote("眼鏡"))  # traditional
    html = response.content.decode()

    assert page_ids(response) == [stories.linhai.pk, stories.duqiao.pk, stories.shangrao.pk]
    assert "临海<mark>眼镜</mark>产业推进会" in html  # the title
    assert "杜桥<mark>眼镜</mark>企业扩产" in html  # the body, tags stripped
    assert "智能<mark>眼镜</mark>与光学镜头" in html  # the summary
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    h1 = re.search(r"<h1>([^<]*)</h1>", html).group(1)
    assert "眼鏡" in title and "眼鏡" in h1
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_search_page_escapes_the_query(client, stories):
    html = client.get("/search/?q=" + quote("<b>眼镜</b>")).content.decode()
    assert "<b>眼镜</b>" not in html.split("<main", 1)[1].replace("<mark>眼镜</mark>", "")
    assert escape("<b>眼镜</b>") in html


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_query_lists_every_story(client, stories, q):
    response = client.get("/search/?q=" + quote(q))
    assert len(page_ids(response)) == 4
    assert "<mark>" not in response.content.decode()


@pytest.mark.django_db
def test_a_one_character_query_finds_every_story_with_that_character(client, stories):
    response = client.get("/search/?q=" + quote("镜"))
    assert page_ids(response) == [stories.linhai.pk, stories.duqiao.pk, stories.shangrao.pk]
    assert "<mark>镜</mark>" in response.content.decode()
    assert page_ids(client.get("/search/?q=" + quote("招"))) == [stories.unrelated.pk]
    assert page_ids(client.get("/search/?q=" + quote("鑫"))) == []


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["！！", "...", "。，、", "“”", "%", "_", "-", '"', "*", "()"])
def test_a_punctuation_only_query_shows_every_story_and_says_why(client, stories, q):
    response = client.get("/search/?q=" + quote(q))
    assert len(page_ids(response)) == 4
    assert response.context["query_is_empty"]
    html = response.content.decode()
    assert (
        message(
            "Type a word to search for: punctuation alone finds nothing, so all stories are shown."
        )
        in html
    )


@pytest.mark.django_db
def test_a_500_character_query_is_a_400_with_a_message(client, stories):
    # Latin: short enough for the address, too long for the search field.
    response = client.get("/search/?q=" + "a" * 500)
    assert response.status_code == 400
    html = response.content.decode()
    with override("zh-hans"):
        too_long = MaxLengthValidator.message % {"limit_value": 100, "show_value": 500}
    assert 'role="alert"' in html and escape(too_long) in html
    # Chinese: 500 characters percent-encoded make an address longer than any page builds.
    response = client.get("/search/?q=" + quote("眼" * 500))
    assert response.status_code == 400
    assert message("The address is too long.") in response.content.decode()
    # Exactly the limit still searches.
    assert client.get("/search/?q=" + quote("眼镜" * 50)).status_code == 200


@pytest.mark.django_db
def test_more_than_eight_words_search_with_the_first_eight(client, stories):
    q = " ".join(["眼镜"] + [f"词{i}" for i in range(12)])
    assert page_ids(client.get("/search/?q=" + quote(q))) == []
    q = " ".join(["眼镜"] * 8 + ["不存在的词"])
    assert len(page_ids(client.get("/search/?q=" + quote(q)))) == 3


@pytest.mark.django_db
def test_the_paginator_says_more_than_when_the_count_is_capped(client, monkeypatch, db):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for i in range(5):
        ArticleFactory(title=f"互聘共享第{i}篇", published_at=hours_ago(i + 1))
    ArticleFactory(title="其他新闻")

    response = client.get("/search/?q=" + quote("互聘共享") + "&page=1")
    html = response.content.decode()
    paginator = response.context["paginator"]
    assert paginator.capped and paginator.count == 3
    with override("zh-hans"):
        assert escape(gettext("More than %(n)s stories") % {"n": 3}) in html
    assert len(page_ids(response)) == 3  # the page never shows more than the count

    # Under the cap: an exact count.
    response = client.get("/search/?q=" + quote("其他"))
    assert not response.context["paginator"].capped
    with override("zh-hans"):
        text = ngettext("%(n)s story", "%(n)s stories", 1) % {"n": 1}
    assert escape(text) in response.content.decode()


@pytest.mark.django_db
def test_every_story_list_stops_at_the_cap_and_its_last_page_leads_further_back(
    client, monkeypatch, db, settings
):
    """Deep pages and exact totals grow with the archive: lists page through the newest
    COUNT_CAP stories and the last page links to the same list ending on its last day."""
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    days = [dt.datetime(2025, 6, d, 9, tzinfo=BEIJING) for d in (20, 19, 18, 17, 16, 15)]
    stories = [ArticleFactory(title=f"新闻{d.day}", published_at=d) for d in days]

    first = client.get("/articles/?page=1")
    paginator = first.context["paginator"]
    assert paginator.capped and paginator.count == 4 and paginator.num_pages == 1
    assert first.context["older_url"] == "?date_to=2025-06-17"  # the 4th newest story's day
    assert [a.pk for a in first.context["articles"]] == [a.pk for a in stories[:4]]

    older = client.get("/articles/" + first.context["older_url"])
    assert [a.pk for a in older.context["articles"]] == [a.pk for a in stories[3:]]
    assert older.context["older_url"] == ""  # 3 stories: the end of the archive

    beyond = client.get("/articles/?page=2")
    assert beyond.status_code == 400
    with override("zh-hans"):
        message = gettext(
            "Lists go back %(pages)d pages (the newest %(n)s stories). "
            "For older stories, choose a date under “To”."
        ) % {"pages": 1, "n": "4"}
    assert escape(message) in beyond.content.decode()
    assert 'href="?date_to=2025-06-17"' in first.content.decode()


def test_unicode_normal_forms_agree_with_the_reference_scan():
    """The reference scan and the index see the same normal form."""
    for text in ("ＡＩ", "①②", "㎜", "ﬁber", "Ⅻ"):
        assert search.normalise(text) == unicodedata.normalize("NFKC", text).lower()
