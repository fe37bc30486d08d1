"""Name matching for import suggestions: longest names first, no database."""

import json
from pathlib import Path

import pytest

from articles.ingest.suggest import Match, match_names

DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"


def keys(matches):
    return [m.key for m in matches]


def test_a_longer_name_consumes_its_span():
    text = "上饶师范学院与上饶经开区合作,上饶市科技局牵头。"
    candidates = [
        ("place:shangrao", ["上饶市", "上饶"]),
        ("org:sfxy", ["上饶师范学院", "上饶师院"]),
        ("org:kejiju", ["上饶市科学技术局", "上饶市科技局"]),
    ]
    by_key = {m.key: m for m in match_names(text, candidates)}
    assert by_key["org:sfxy"].count == 1
    assert by_key["org:kejiju"].count == 1
    # 上饶 in 上饶师范学院 and in 上饶市科技局 does not count; in 上饶经开区 it does.
    assert by_key["place:shangrao"] == Match("place:shangrao", "上饶", 1, 7, ("上饶",))


def test_a_shorter_name_beside_a_longer_one_still_counts():
    text = "浙江省光学学会临海服务站进行了授牌。"
    candidates = [("org:xuehui", ["浙江省光学学会"]), ("place:linhai", ["临海市", "临海"])]
    assert keys(match_names(text, candidates)) == ["org:xuehui", "place:linhai"]


def test_a_compound_name_with_key_none_masks_its_span():
    text = "浙江省光学学会临海服务站进行了授牌。"
    candidates = [
        ("org:xuehui", ["浙江省光学学会"]),
        ("place:linhai", ["临海"]),
        (None, ["浙江省光学学会临海服务站"]),
    ]
    # The whole compound is taken first, so neither part matches inside it.
    assert match_names(text, candidates) == []
    assert keys(match_names(text + "临海的眼镜。", candidates)) == ["place:linhai"]


def test_counts_positions_and_order():
    text = "临海眼镜。杜桥镇是眼镜之乡,杜桥眼镜城在杜桥。临海市。"
    candidates = [
        ("place:linhai", ["临海市", "临海"]),
        ("place:duqiao", ["杜桥镇", "杜桥"]),
        ("org:yanjingcheng", ["中国·杜桥眼镜城", "杜桥眼镜城"]),
    ]
    matches = match_names(text, candidates)
    assert [(m.key, m.count, m.first_position) for m in matches] == [
        ("place:linhai", 2, 0),
        ("place:duqiao", 2, 5),
        ("org:yanjingcheng", 1, 14),
    ]
    assert matches[0].names == ("临海市", "临海")
    by_count = match_names(text, candidates, order="count")
    assert keys(by_count) == ["place:linhai", "place:duqiao", "org:yanjingcheng"]


def test_latin_names_match_whole_words_ignoring_case():
    text = "CIOE 2025 在深圳举行;saic 不是 AI,但 ai 眼镜是。"
    candidates = [("event:cioe", ["cioe"]), ("topic:ai", ["AI"])]
    by_key = {m.key: m for m in match_names(text, candidates)}
    assert by_key["event:cioe"].count == 1
    assert by_key["topic:ai"].count == 2  # AI and ai, not the ai in saic


def test_ties_go_to_the_first_candidate_and_short_names_are_ignored():
    text = "凤凰光学发布新品。"
    candidates = [("a", ["凤凰光学"]), ("b", ["凤凰光学"]), ("c", ["凤"]), ("d", ["", " "])]
    assert keys(match_names(text, candidates)) == ["a"]
    assert match_names("", candidates) == []


@pytest.mark.parametrize(
    ("golden", "index"), [("linhai-eyewear-forum", 0), ("shangrao-optics-conference", 1)]
)
def test_the_demo_organisations_are_found_in_the_golden_texts(golden, index):
    articles = json.loads((DEMO / "articles.json").read_text(encoding="utf-8"))
    organisations = json.loads((DEMO / "organisations.json").read_text(encoding="utf-8"))
    candidates = [(o["slug"], [o["name"], o["short_name"], *o["aliases"]]) for o in organisations]
    text = (DEMO / "golden" / f"{golden}.txt").read_text(encoding="utf-8")
    found = set(keys(match_names(text, candidates)))
    assert found == set(articles[index]["organisations"])
    # 中国光学光电子行业协会 occurs only inside its two branches' longer names.
    assert "guangdianzi-xiehui" not in found
