"""Page chrome: whole lines that belong to the website, not to the story.

Breadcrumbs (首页 > 新闻 > 正文), counters (阅读 66), print and close links,
"related reading" headings, share lines and comment boxes. Each pattern must
match the whole line (simplified, blanks stripped), so a sentence that merely
mentions 评论 or 分享 stays.
"""

from __future__ import annotations

import re

from .results import Notes
from .textspans import Text

_PATTERNS = [
    # breadcrumbs: 首页 资讯 正文, 首页 > 新闻 > 正文, 当前位置：首页 » 新闻
    (
        "chrome",
        r"(?:(?:当前|您的|你的|所在)?位置\s*[:：]\s*)?(?:网站)?首页"
        r"(?:(?:\s*(?:>>|[>»›/|→＞])\s*|\s+)[^\s>»›/|→＞]{1,12}){0,6}\s*(?:>>|[>»›→＞])?",
    ),
    ("chrome", r"(?:当前|您的|你的|所在)位置\s*[:：].{0,60}"),
    # category and counters: 体育正文 66 0
    ("chrome", r"\S{0,8}正文(?:\s+\d+){1,3}"),
    (
        "chrome",
        r"(?:阅读|浏览|点击|阅读量|浏览量|浏览次数|点击数|点击量|人气|热度|点赞)\s*[:：]?\s*\d+\s*次?",
    ),
    ("chrome", r"字号\s*[:：].{0,12}"),
    ("chrome", r"(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}"),
    (
        "chrome",
        r"(?:[【\[]?(?:返回顶部|返回首页|返回列表|打印本页|打印|关闭窗口|关闭|收藏本文|加入收藏)[】\]]?\s*)+",
    ),
    ("chrome", r"(?:相关|热门|推荐|延伸)(?:阅读|新闻|文章|推荐|资讯)\s*[:：]?"),
    ("share", r"分享(?:到\s*[:：]?|\s*[:：]).{0,60}"),
    ("share", r"(?:扫一扫|扫码关注|扫描二维码).{0,40}"),
    (
        "share",
        r"(?:微信|微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|人人网|抖音)"
        r"(?:\s*[、,，|/]?\s*(?:微信|微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|人人网|抖音))+",
    ),
    ("comment_box", r"欢迎\s*发表\s*评论\s*[:：]?"),
    (
        "comment_box",
        r"(?:我要|发表|网友|最新|热门|查看|全部|相关)\s*评论\s*[:：]?\s*(?:\(\d+\)|\d+)?",
    ),
    ("comment_box", r"(?:网友)?评论列表\s*[:：]?"),
    ("comment_box", r"暂时?(?:没有|无)(?:任何)?评论.{0,20}"),
    ("comment_box", r".{0,10}快(?:来)?抢沙发.{0,10}"),
    ("comment_box", r"(?:已有|共有|共)\s*\d+\s*(?:条|人)(?:评论|参与).{0,20}"),
    ("comment_box", r"请?登录后(?:才能|即可)?(?:发表|参与)?评论.{0,20}"),
    ("comment_box", r"评论\s*(?:\(\d+\)|\d+)?"),
]
# One pattern, the first alternative that matches the whole line wins (one call a line).
_CHROME = re.compile("|".join(f"(?P<p{i}>{pattern})" for i, (_k, pattern) in enumerate(_PATTERNS)))


def take_chrome_line(line: Text, simple: str, notes: Notes) -> bool:
    """Is ``line`` (``simple`` once simplified) page chrome? If so its removal is recorded."""
    m = _CHROME.fullmatch(simple)
    if m is None:
        return False
    notes.remove(_PATTERNS[int(m.lastgroup[1:])][0], line.text, line.offset(0))
    return True
