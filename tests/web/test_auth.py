"""Sign-in, sessions, CSRF on forms, security headers, language choice."""

from __future__ import annotations

from tests.web.harness import PASSWORD, LiveServer, World, csrf_of, form_token, login, signed_in


def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(
    server: LiveServer, world: World
) -> None:
    client = server.client()
    response = login(client, world.own.staff)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "mailgate_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/account").status_code == 200
    stolen = client.cookies.get("mailgate_session")
    token = form_token(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    # The old cookie value no longer opens anything, even if someone kept a copy.
    other = server.client()
    other.cookies.set("mailgate_session", stolen or "")
    assert other.get("/account").status_code == 303


def test_wrong_password_is_refused_and_repeated_failures_back_off(
    server: LiveServer, world: World
) -> None:
    client = server.client()
    for _ in range(5):
        assert login(client, world.own.staff, "wrong password").status_code == 401
    # Now even the right password waits: the account is throttled for the window.
    assert login(client, world.own.staff, PASSWORD).status_code == 429


def test_forms_without_the_csrf_token_are_refused(server: LiveServer, world: World) -> None:
    client = signed_in(server, world.own.staff)
    response = client.post("/account/language", data={"locale": "en"})
    assert response.status_code == 403
    response = client.post("/account/language", data={"locale": "en", "csrf_token": "forged"})
    assert response.status_code == 403
    token = form_token(client)
    response = client.post(
        "/account/language",
        data={"locale": "en", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert (
        client.post("/account/language", data={"locale": "en", "csrf_token": token}).status_code
        == 303
    )


def test_login_form_needs_its_own_csrf_cookie(server: LiveServer, world: World) -> None:
    client = server.client()
    page = client.get("/login")
    client.cookies.clear()
    response = client.post(
        "/login",
        data={"username": world.own.staff, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 403


def test_session_id_changes_at_login(server: LiveServer, world: World) -> None:
    """Session fixation: a cookie planted before sign-in is never the one used after it."""
    client = server.client()
    client.cookies.set("mailgate_session", "planted.value", domain="127.0.0.1")
    response = login(client, world.own.staff)
    assert response.status_code == 303
    assert client.cookies.get("mailgate_session") != "planted.value"
    first = client.cookies.get("mailgate_session")
    again = server.client()
    login(again, world.own.staff)
    assert again.cookies.get("mailgate_session") != first


def test_pages_need_a_session_and_send_security_headers(server: LiveServer) -> None:
    client = server.client()
    response = client.get("/account")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


def test_japanese_by_default_english_on_request(server: LiveServer, world: World) -> None:
    client = server.client()
    assert "ログイン" in client.get("/login").text
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert "ログイン" in client.get("/login", headers={"Accept-Language": "ja,en;q=0.5"}).text
    client = signed_in(server, world.own.staff)
    token = form_token(client)
    client.post("/account/language", data={"locale": "en", "csrf_token": token})
    assert "My account" in client.get("/account", headers={"Accept-Language": "ja"}).text


def test_open_redirect_after_login_is_refused(server: LiveServer, world: World) -> None:
    client = server.client()
    page = client.get("/login?next=//evil.example/")
    response = client.post(
        "/login",
        data={
            "username": world.own.staff,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"
