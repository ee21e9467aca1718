"""Contact points: the tree, create and edit without cycles, CSV import with preview, all-or-nothing."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from legis.errors import LegisError
from legis.models import ContactPoint
from legis.services import contact_points as points
from legis.services.uploaded_tables import read_table
from tests.factories import make_point


def _names(db) -> dict[str, ContactPoint]:
    db.expire_all()
    return {p.name: p for p in db.exec(select(ContactPoint))}


def test_tree_nests_children_under_parents(db):
    main = make_point(db, name="东风街道代表之家", kind="主站")
    station = make_point(db, name="东风社区联络站", kind="站", parent=main)
    make_point(db, name="东风律所联络点", kind="点", parent=station)
    make_point(db, name="西湖代表之家", kind="主站")
    tree = points.build_tree(points.all_points(db))
    assert [n.point.name for n in tree] == ["东风街道代表之家", "西湖代表之家"]
    assert tree[0].children[0].point.name == "东风社区联络站"
    assert tree[0].children[0].children[0].point.name == "东风律所联络点"
    assert [(p.name, d) for p, d in points.tree_options(points.all_points(db))][:3] == [
        ("东风街道代表之家", 0), ("东风社区联络站", 1), ("东风律所联络点", 2)]


def test_save_point_validates_name_and_kind(db):
    with pytest.raises(LegisError) as caught:
        points.save_point(db, data=points.PointInput(name="  ", kind="点"))
    assert caught.value.field == "name"
    with pytest.raises(LegisError) as caught:
        points.save_point(db, data=points.PointInput(name="某站", kind="分站"))
    assert caught.value.field == "kind"


def test_a_point_cannot_become_its_own_ancestor(db):
    main = make_point(db, name="主站甲", kind="主站")
    station = make_point(db, name="站乙", kind="站", parent=main)
    leaf = make_point(db, name="点丙", kind="点", parent=station)
    for parent in (main, leaf, station):
        with pytest.raises(LegisError) as caught:
            points.save_point(db, point_id=main.id, data=points.PointInput(
                name="主站甲", kind="主站", parent_id=parent.id))
        assert caught.value.field == "parent_id"
    # Moving a leaf under another branch is fine.
    other = make_point(db, name="主站丁", kind="主站")
    moved = points.save_point(db, point_id=leaf.id,
                              data=points.PointInput(name="点丙", kind="点", parent_id=other.id))
    assert moved.parent_id == other.id


def test_create_and_edit_through_the_pages(client, db):
    response = client.post("/manage/points", data={"name": "东风街道代表之家", "kind": "主站"})
    assert response.status_code == 303
    main = _names(db)["东风街道代表之家"]
    client.post("/manage/points", data={"name": "东风社区联络站", "kind": "站",
                                        "parent_id": str(main.id), "district": "东城区"})
    station = _names(db)["东风社区联络站"]
    assert station.parent_id == main.id and station.district == "东城区"

    page = client.get("/manage/points").text
    # Nested: the station's list item sits inside the main point's list item.
    nested = rf'id="p{main.id}".*?<ul>\s*<li id="p{station.id}"'
    assert re.search(nested, page, re.DOTALL)

    edit = client.get(f"/manage/points/{main.id}")
    assert edit.status_code == 200
    # The main point's own subtree is not offered as its parent.
    assert f'<option value="{station.id}"' not in edit.text
    refused = client.post(f"/manage/points/{main.id}", data={
        "name": "东风街道代表之家", "kind": "主站", "parent_id": str(station.id)})
    assert refused.status_code == 422
    assert "不能把联系点挂在它自己或它的下级之下" in refused.text
    assert _names(db)["东风街道代表之家"].parent_id is None

    client.post(f"/manage/points/{main.id}", data={
        "name": "东风街道代表之家（新）", "kind": "主站", "address": "东风路1号"})
    assert _names(db)["东风街道代表之家（新）"].address == "东风路1号"


def test_empty_name_re_renders_with_input_kept(client, db):
    response = client.post("/manage/points", data={"name": "", "kind": "站", "district": "南区"})
    assert response.status_code == 422
    assert "请填写联系点名称" in response.text
    assert 'value="南区"' in response.text
    assert _names(db) == {}


def test_hostile_names_are_escaped(client, db):
    client.post("/manage/points", data={"name": "<script>alert(1)</script>", "kind": "点"})
    page = client.get("/manage/points").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


GOOD_CSV = (
    "名称,类型,上级,区,地址\n"
    "东风社区联络站,站,东风街道代表之家,东城区,东风路8号\n"   # parent defined further down
    "东风街道代表之家,主站,,东城区,东风路1号\n"
    "东风律所联络点,点,东风社区联络站,东城区,东风路20号\n"
)


def _upload(client, content: bytes, name: str = "points.csv"):
    return client.post("/manage/points/import", files={"file": (name, content, "text/csv")})


def _confirm(client, preview_html: str):
    pending = re.search(r'name="pending" value="([^"]+)"', preview_html).group(1)
    return client.post("/manage/points/import/confirm", data={"pending": pending})


def test_csv_import_previews_then_saves_the_tree(client, db):
    preview = _upload(client, GOOD_CSV.encode("utf-8-sig"))
    assert preview.status_code == 200
    assert "全部可以导入" in preview.text
    assert _names(db) == {}  # nothing saved before confirming
    done = _confirm(client, preview.text)
    assert done.status_code == 303
    saved = _names(db)
    assert saved["东风社区联络站"].parent_id == saved["东风街道代表之家"].id
    assert saved["东风律所联络点"].parent_id == saved["东风社区联络站"].id
    assert saved["东风街道代表之家"].kind == "主站"
    # The preview cannot be confirmed twice.
    again = _confirm(client, preview.text)
    assert again.status_code == 409
    assert len(_names(db)) == 3


def test_gb18030_csv_is_read(client, db):
    preview = _upload(client, GOOD_CSV.encode("gb18030"))
    assert preview.status_code == 200, preview.text
    assert "东风律所联络点" in preview.text
    assert _confirm(client, preview.text).status_code == 303
    assert "东风律所联络点" in _names(db)


def test_bad_rows_are_all_listed_and_nothing_is_saved(client, db):
    make_point(db, name="已有联络站", kind="站")
    bad = (
        "名称,类型,上级,区,地址\n"
        "好的站,站,,东城区,\n"
        ",点,好的站,,\n"                    # no name
        "某点,分站,好的站,,\n"              # bad kind
        "孤儿点,点,不存在的站,,\n"          # unknown parent
        "已有联络站,站,,,\n"                # already exists
        "甲,站,乙,,\n"                      # cycle
        "乙,站,甲,,\n"
    )
    preview = _upload(client, bad.encode("utf-8"))
    assert preview.status_code == 422
    text = preview.text
    assert "6行有错误" in text
    for message in ("请填写联系点名称", "类型只能是主站、站、点之一", "上级“不存在的站”",
                    "已有名为“已有联络站”的联系点", "形成了循环"):
        assert message in text, message
    assert "确认导入" not in text
    assert set(_names(db)) == {"已有联络站"}


def test_missing_columns_and_wrong_files_explain_themselves(client, db):
    response = _upload(client, "地址,区\n东风路,东城区\n".encode())
    assert response.status_code == 400
    assert "缺少“名称”“类型”列" in response.text
    empty = _upload(client, b"")
    assert "上传的文件是空的" in empty.text
    pdf = _upload(client, b"%PDF-1.4 something", "points.pdf")
    assert "PDF" in pdf.text


def test_template_downloads_and_reads_back(client):
    response = client.get("/manage/points/template.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = read_table(response.content)
    assert rows[0] == ["名称", "类型", "上级", "区", "地址"]
    assert len(rows) == 4
