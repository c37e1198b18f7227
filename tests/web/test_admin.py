"""Administration pages: departments, addresses, signature blocks, users and memberships."""

from __future__ import annotations

import re

from sqlmodel import col, select

from mailgate.models import AuditEvent, Department, DepartmentAddress, Membership, User
from tests.web.harness import DOMAIN, PASSWORD, LiveServer, World, form_token, login, signed_in


def _events(server: LiveServer, action: str) -> list[AuditEvent]:
    with server.session() as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
            )
        )


def test_admin_sets_up_a_department_and_a_user_who_can_then_work(
    server: LiveServer, world: World
) -> None:
    admin = signed_in(server, world.admin)
    assert admin.get("/admin").status_code == 200
    token = form_token(admin, "/admin/departments")
    response = admin.post(
        "/admin/departments",
        data={
            "csrf_token": token,
            "slug": "zeimu",
            "name": "税務課",
            "addresses": f"Zeimu@{DOMAIN}\nzeimu-soudan@{DOMAIN}",
        },
    )
    assert response.status_code == 303, response.text
    department_id = int(response.headers["location"].split("/")[3].split("?")[0])
    page = admin.get(response.headers["location"])
    assert "税務課" in page.text and f"zeimu@{DOMAIN}" in page.text
    # Administrators do not open department content, templates included: no dead link to it.
    assert f"/departments/{department_id}/templates" not in page.text

    response = admin.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "suzuki",
            "display_name": "鈴木 一郎",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 303, response.text
    user_id = int(response.headers["location"].split("/")[3].split("?")[0])
    response = admin.post(
        f"/admin/users/{user_id}/memberships",
        data={"csrf_token": token, "role": "staff", "department": str(department_id)},
    )
    assert response.status_code == 303, response.text
    user_page = admin.get(f"/admin/users/{user_id}").text
    assert "税務課" in user_page and "鈴木 一郎" in user_page

    with server.session() as session:
        addresses = session.exec(
            select(DepartmentAddress.address).where(
                DepartmentAddress.department_id == department_id
            )
        ).all()
        assert sorted(addresses) == [f"zeimu-soudan@{DOMAIN}", f"zeimu@{DOMAIN}"]
        membership = session.exec(select(Membership).where(Membership.user_id == user_id)).one()
        assert (membership.role, membership.department_id) == ("staff", department_id)
    assert [e.details["slug"] for e in _events(server, "department.add")][-1] == "zeimu"
    added = _events(server, "user.membership.add")[-1]
    assert added.actor == world.admin and added.actor_id == world.user_ids[world.admin]

    # The new user signs in and the department is theirs.
    suzuki = signed_in(server, "suzuki")
    account = suzuki.get("/account")
    assert account.status_code == 200
    assert f'href="/departments/{department_id}/inbox"' in account.text and "税務課" in account.text
    # ... and nothing else's.
    assert f'href="/departments/{world.own.id}/inbox"' not in account.text


def test_signature_and_addresses_are_saved_and_audited(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    path = f"/admin/departments/{world.own.id}"
    token = form_token(admin, path)
    signature = "子育て支援課\n電話 03-1234-5679（平日 8:30〜17:15）"
    response = admin.post(
        path, data={"csrf_token": token, "name": "子育て支援課", "signature": signature}
    )
    assert response.status_code == 303, response.text
    assert "03-1234-5679" in admin.get(path).text
    with server.session() as session:
        assert session.get(Department, world.own.id).signature == signature
    event = _events(server, "department.update")[-1]
    assert event.details["fields"] == ["signature"]
    assert event.department_id == world.own.id and event.actor == world.admin

    new_address = f"kosodate-info@{DOMAIN}"
    assert (
        admin.post(
            f"{path}/addresses", data={"csrf_token": token, "address": new_address}
        ).status_code
        == 303
    )
    assert (
        admin.post(
            f"{path}/addresses/remove", data={"csrf_token": token, "address": new_address}
        ).status_code
        == 303
    )
    assert [e.details["address"] for e in _events(server, "department.address.add")] == [
        new_address
    ]
    assert [e.details["address"] for e in _events(server, "department.address.remove")] == [
        new_address
    ]
    with server.session() as session:
        assert (
            session.exec(
                select(DepartmentAddress).where(DepartmentAddress.address == new_address)
            ).first()
            is None
        )


def test_invalid_and_duplicate_input_re_renders_the_form(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    admin.headers["Accept-Language"] = "en"
    token = form_token(admin, "/admin/departments")
    before = len(_events(server, "department.add"))
    cases = [
        ({"slug": "kosodate", "name": "重複", "addresses": ""}, "already exists"),
        ({"slug": "Bad Slug!", "name": "x", "addresses": ""}, "is not valid"),
        ({"slug": "newdept", "name": "", "addresses": ""}, "1 to 200 characters"),
        ({"slug": "newdept", "name": "新課", "addresses": world.other.address}, "already belongs"),
        ({"slug": "newdept", "name": "新課", "addresses": "not-an-address"}, "not a valid e-mail"),
    ]
    for form, message in cases:
        response = admin.post("/admin/departments", data={"csrf_token": token, **form})
        assert response.status_code == 400, (form, response.status_code)
        assert message in response.text and 'role="alert"' in response.text
        if form["name"]:
            assert f'value="{form["name"]}"' in response.text  # what was typed is kept
    assert len(_events(server, "department.add")) == before
    with server.session() as session:
        assert session.exec(select(Department).where(Department.slug == "newdept")).first() is None

    path = f"/admin/departments/{world.own.id}/addresses"
    response = admin.post(path, data={"csrf_token": token, "address": world.other.address})
    assert response.status_code == 400 and "already belongs" in response.text
    response = admin.post(
        f"/admin/departments/{world.own.id}",
        data={"csrf_token": token, "name": "x", "signature": "長" * 4001},
    )
    assert response.status_code == 400 and "4000" in response.text

    for form, message in [
        ({"username": world.own.staff, "password": PASSWORD}, "already exists"),
        ({"username": "has space", "password": PASSWORD}, "is not valid"),
        ({"username": "shorty", "password": "short"}, "at least 12"),
    ]:
        response = admin.post("/admin/users", data={"csrf_token": token, **form})
        assert response.status_code == 400, (form, response.status_code)
        assert message in response.text
    staff_id = world.user_ids[world.own.staff]
    for data, message in [
        ({"role": "staff", "department": str(world.own.id)}, "already has this role"),
        ({"role": "supervisor", "department": ""}, "need a department"),
        ({"role": "emperor", "department": ""}, "Choose a role"),
    ]:
        response = admin.post(
            f"/admin/users/{staff_id}/memberships", data={"csrf_token": token, **data}
        )
        assert response.status_code == 400 and message in response.text, data
    # The only administrator cannot lock everyone out.
    admin_id = world.user_ids[world.admin]
    response = admin.post(f"/admin/users/{admin_id}/disable", data={"csrf_token": token})
    assert response.status_code == 400 and "your own account" in response.text
    response = admin.post(
        f"/admin/users/{admin_id}/memberships/remove",
        data={"csrf_token": token, "role": "admin", "department": ""},
    )
    assert response.status_code == 400
    with server.session() as session:
        assert session.get(User, admin_id).is_active


def test_generated_password_is_shown_once_and_works(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    token = form_token(admin, "/admin/users")
    response = admin.post(
        "/admin/users", data={"csrf_token": token, "username": "tanaka", "display_name": "田中"}
    )
    assert response.status_code == 200
    password = re.search(r'id="new-password">([^<]+)<', response.text).group(1)
    client = server.client()
    assert login(client, "tanaka", password).status_code == 303
    with server.session() as session:
        tanaka = session.exec(select(User).where(User.username == "tanaka")).one()
        assert password not in (tanaka.password_hash or "")
    # A reset gives a new one; the old one and the user's sessions stop working.
    response = admin.post(f"/admin/users/{tanaka.id}/password", data={"csrf_token": token})
    assert response.status_code == 200
    fresh = re.search(r'id="new-password">([^<]+)<', response.text).group(1)
    assert fresh != password
    assert client.get("/account").status_code == 303  # signed out
    assert login(server.client(), "tanaka", password).status_code == 401
    assert login(server.client(), "tanaka", fresh).status_code == 303
    assert _events(server, "user.password.reset")[-1].object_id == str(tanaka.id)


def test_disabled_user_cannot_sign_in_and_is_signed_out(server: LiveServer, world: World) -> None:
    staff = signed_in(server, world.own.staff2)
    admin = signed_in(server, world.admin)
    token = form_token(admin, "/admin/users")
    user_id = world.user_ids[world.own.staff2]
    response = admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": token})
    assert response.status_code == 303
    assert staff.get("/account").status_code == 303  # the running session ended
    assert login(server.client(), world.own.staff2).status_code == 401
    event = _events(server, "user.disable")[-1]
    assert event.object_id == str(user_id) and event.actor == world.admin
    assert (
        admin.post(f"/admin/users/{user_id}/enable", data={"csrf_token": token}).status_code == 303
    )
    assert login(server.client(), world.own.staff2).status_code == 303


def test_membership_removal_and_language_are_audited(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    token = form_token(admin, "/admin/users")
    user_id = world.user_ids[world.own.staff2]
    response = admin.post(
        f"/admin/users/{user_id}/memberships/remove",
        data={"csrf_token": token, "role": "staff", "department": str(world.own.id)},
    )
    assert response.status_code == 303
    response = admin.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": token, "display_name": "子育て 二郎", "locale": "en"},
    )
    assert response.status_code == 303
    with server.session() as session:
        assert not session.exec(select(Membership).where(Membership.user_id == user_id)).all()
        user = session.get(User, user_id)
        assert (user.display_name, user.locale) == ("子育て 二郎", "en")
    removed = _events(server, "user.membership.remove")[-1]
    assert removed.department_id == world.own.id and removed.details["role"] == "staff"
    assert _events(server, "user.update")[-1].details["fields"] == ["display_name", "locale"]
    staff2 = signed_in(server, world.own.staff2)
    assert f"/departments/{world.own.id}/inbox" not in staff2.get("/account").text


def _admin_urls(world: World) -> list[tuple[str, str]]:
    d, u = world.own.id, world.user_ids[world.own.staff]
    return [
        ("GET", "/admin"),
        ("GET", "/admin/departments"),
        ("POST", "/admin/departments"),
        ("GET", f"/admin/departments/{d}"),
        ("POST", f"/admin/departments/{d}"),
        ("POST", f"/admin/departments/{d}/addresses"),
        ("POST", f"/admin/departments/{d}/addresses/remove"),
        ("GET", "/admin/users"),
        ("POST", "/admin/users"),
        ("GET", f"/admin/users/{u}"),
        ("POST", f"/admin/users/{u}"),
        ("POST", f"/admin/users/{u}/memberships"),
        ("POST", f"/admin/users/{u}/memberships/remove"),
        ("POST", f"/admin/users/{u}/disable"),
        ("POST", f"/admin/users/{u}/enable"),
        ("POST", f"/admin/users/{u}/password"),
    ]


def test_only_administrators_reach_the_admin_pages(server: LiveServer, world: World) -> None:
    with server.session() as session:
        before = session.exec(select(AuditEvent)).all()
    for username in (world.own.staff, world.own.supervisor, world.officer):
        client = signed_in(server, username)
        token = form_token(client)
        for method, url in _admin_urls(world):
            data = {
                "csrf_token": token,
                "slug": "x",
                "name": "x",
                "address": f"x@{DOMAIN}",
                "username": "intruder",
                "password": PASSWORD,
                "role": "admin",
                "department": "",
            }
            response = client.request(method, url, data=data if method == "POST" else None)
            assert response.status_code == 404, (username, method, url, response.status_code)
    with server.session() as session:
        assert session.exec(select(User).where(User.username == "intruder")).first() is None
        assert session.get(User, world.user_ids[world.own.staff]).is_active
        actions = {e.action for e in session.exec(select(AuditEvent)).all()[len(before) :]}
    assert actions <= {"login"}
    # Signed out: the sign-in page.
    anonymous = server.client()
    assert anonymous.get("/admin/users").status_code == 303


def test_admin_forms_need_the_csrf_token(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    user_id = world.user_ids[world.own.staff]
    assert admin.post(f"/admin/users/{user_id}/disable", data={}).status_code == 403
    assert (
        admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": "forged"}).status_code
        == 403
    )
    response = admin.post(
        "/admin/departments",
        data={"csrf_token": form_token(admin), "slug": "evil", "name": "x", "addresses": ""},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    with server.session() as session:
        assert session.get(User, user_id).is_active
        assert session.exec(select(Department).where(Department.slug == "evil")).first() is None


def test_admin_pages_are_in_japanese_by_default(server: LiveServer, world: World) -> None:
    admin = signed_in(server, world.admin)
    assert "課の追加" in admin.get("/admin/departments").text
    page = admin.get(f"/admin/users/{world.user_ids[world.own.supervisor]}").text
    assert "承認者（所属長）" in page and "アカウントを無効にする" in page
    english = admin.get("/admin/departments", headers={"Accept-Language": "en"}).text
    assert "Add a department" in english
