"""Configuration: the required keys, defaults, and errors that name file, line and key."""

from pathlib import Path

import pytest

from xunjian.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
[[sites]]
id = "gy-portal"
name = "固原市人民政府"
url = "http://www.nxgy.gov.cn/"
department = "固原市人民政府办公室"
"""


def write(tmp_path, text):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_gets_defaults(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    site = config.sites[0]
    assert (site.id, site.name, site.department) == ("gy-portal", "固原市人民政府", "固原市人民政府办公室")
    assert site.timeout == 15.0 and site.obey_robots is True and site.max_pages > 0
    assert site.is_trusted_host("www.nxgy.gov.cn") and site.is_trusted_host("xxgk.nxgy.gov.cn")
    assert site.is_trusted_host("www.gov.cn") and not site.is_trusted_host("bet365.com")


def test_crawl_table_and_site_override(tmp_path):
    text = '[crawl]\nconcurrency = 8\ntimeout = 5\n\n' + GOOD + 'timeout = 3\nobey_robots = false\n'
    site = load_config(write(tmp_path, text)).sites[0]
    assert (site.concurrency, site.timeout, site.obey_robots) == (8, 3.0, False)


@pytest.mark.parametrize("text, line, key, words", [
    (GOOD.replace('url = "http://www.nxgy.gov.cn/"\n', ""), 1, "sites[1].url", "缺少必填项"),
    (GOOD + "colour = 1\n", 6, "sites[1].colour", "未知的配置项"),
    (GOOD.replace("http://www.nxgy.gov.cn/", "ftp://www.nxgy.gov.cn/"), 4, "sites[1].url", "http://"),
    (GOOD + "\n" + GOOD, 8, "sites[2].id", "重复"),
    (GOOD + "timeout = \"fast\"\n", 6, "sites[1].timeout", "应为数字"),
    (GOOD + "max_pages = -3\n", 6, "sites[1].max_pages", "负数"),
    ("[[sites]]\nid = \"a\"\nname = \n", 3, "-", "TOML 语法错误"),
    ("[crawl]\nspeed = 3\n" + GOOD, 2, "crawl.speed", "未知的抓取设置"),
])
def test_errors_name_file_line_and_key(tmp_path, text, line, key, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.line == line and error.key == key and words in error.message
    assert str(path) in str(error) and f":{line}" in str(error)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="不存在"):
        load_config(tmp_path / "nope.toml")


def test_example_config_loads():
    config = load_config(ROOT / "sites.example.toml")
    assert [s.id for s in config.sites][:3] == ["gy-portal", "gy-yzh", "gy-xj"]
    assert config.sites[0].url == "http://www.nxgy.gov.cn/"


def test_demo_config_loads():
    config = load_config(ROOT / "demo" / "sites.toml")
    assert {s.id for s in config.sites} == {"qh-portal", "qh-county", "qh-edu"}
