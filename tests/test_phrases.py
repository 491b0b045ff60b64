"""checks/phrases.py: the phrase finder and the affix sets the name rules ask at every candidate."""

from hypothesis import given, strategies as st

from checks.phrases import Affixes, PhraseFinder

AFFIXES = ("书记", "董事长", "被申请人", "副", "，男，")
TEXT = st.text(alphabet="书记董事长被申请人副，男王李", max_size=12)


@given(TEXT, st.integers(min_value=-2, max_value=14))
def test_affixes_answer_as_endswith_and_startswith_do(line, at):
    affixes = Affixes(AFFIXES)
    assert affixes.end_at(line, at) == (at > 0 and line.endswith(AFFIXES, 0, at))
    assert affixes.begin_at(line, at) == (at >= 0 and line.startswith(AFFIXES, at))


def test_affixes_at_the_edges_of_a_line():
    affixes = Affixes(AFFIXES)
    assert affixes.end_at("县委书记王明", 4) and not affixes.end_at("县委书记王明", 3)
    assert affixes.begin_at("王明副县长", 2) and not affixes.begin_at("王明", 2)
    assert affixes.end_at("董事长", 99)         # past the end: the whole line, as str.endswith
    assert not Affixes(()).end_at("书记", 2)


def test_phrase_finder_finds_overlapping_phrases():
    finder = PhraseFinder.of(["中华人民", "人民共和国", "共和"])
    assert sorted((start, phrase) for start, phrase, _ in finder.find("中华人民共和国")) == [
        (0, "中华人民"), (2, "人民共和国"), (4, "共和")]


PHRASE_SETS = (("中华人民", "人民共和国", "共和", "人民"), ("人民", "民共", "和国"), ("共和国", "华人"))
LINE = st.text(alphabet="中华人民共和国王", max_size=16)


@given(st.lists(LINE, min_size=1, max_size=20))
def test_a_shared_scan_finds_what_each_finder_finds_alone_in_the_same_order(lines):
    from checks.phrases import share
    alone = [PhraseFinder({p: (k, p) for p in phrases}) for k, phrases in enumerate(PHRASE_SETS)]
    shared = [PhraseFinder({p: (k, p) for p in phrases}) for k, phrases in enumerate(PHRASE_SETS)]
    share(shared)
    # Lines asked over again, and asked in turns by each finder, as the checks ask them.
    for line in lines + lines[::-1]:
        for one, other in zip(alone, shared):
            assert list(other.find(line)) == list(one.find(line))
