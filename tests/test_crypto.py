"""Field encryption and the blind index: round trips, key ids, tampering, and SQL comparisons refused."""

from __future__ import annotations

import pytest

from bot.storage import crypto


def ring(*data: str, index: str | None = None) -> crypto.Keyring:
    return crypto.Keyring.from_strings(list(data), index or crypto.new_key())


def test_a_value_round_trips_and_differs_each_time() -> None:
    keys = ring(crypto.new_key())
    first, second = (
        keys.encrypt("Ana Lópes \ud800".encode("utf-8", "surrogatepass"), "report.detained_name"),
        keys.encrypt(b"x", "report.detained_name"),
    )
    assert first.startswith(f"h1.{keys.newest_id}.") and "Ana" not in first
    assert keys.decrypt(first, "report.detained_name").decode("utf-8", "surrogatepass") == "Ana Lópes \ud800"
    assert keys.encrypt(b"x", "report.detained_name") != second  # a fresh nonce every time


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt() -> None:
    keys = ring(crypto.new_key())
    stored = keys.encrypt(b"+13125550123", "contact.address")
    with pytest.raises(crypto.UndecryptableError):
        keys.decrypt(stored, "report.callback_number")
    body = stored.rsplit(".", 1)[1]
    altered = stored[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(crypto.UndecryptableError):
        keys.decrypt(altered, "contact.address")


def test_older_keys_still_decrypt_and_new_values_use_the_newest() -> None:
    old, new, index = crypto.new_key(), crypto.new_key(), crypto.new_key()
    before = crypto.Keyring.from_strings(old, index)
    stored = before.encrypt(b"A123456789", "report.a_number")
    after = crypto.Keyring.from_strings(f"{new},{old}", index)
    assert after.decrypt(stored, "report.a_number") == b"A123456789"
    assert after.encrypt(b"x", "report.a_number").split(".")[1] == after.newest_id != before.newest_id
    with pytest.raises(crypto.UndecryptableError, match="no configured key"):
        crypto.Keyring.from_strings(new, index).decrypt(stored, "report.a_number")


def test_the_blind_index_is_stable_per_index_key_and_independent_of_data_keys() -> None:
    index = crypto.new_key()
    one, two = ring(crypto.new_key(), index=index), ring(crypto.new_key(), index=index)
    assert one.blind_index("+13125550123") == two.blind_index("+13125550123") != one.blind_index("+13125550124")
    assert len(one.blind_index("R-7K3M")) == 64 and ring(crypto.new_key()).blind_index("R-7K3M") != one.blind_index(
        "R-7K3M"
    )


def test_sql_comparisons_on_an_encrypted_column_are_refused() -> None:
    from bot.storage.models import Contact, Report

    with pytest.raises(TypeError, match="blind index"):
        _ = Contact.address == "+13125550123"
    with pytest.raises(TypeError, match="blind index"):
        Report.detained_name.contains("Ana")
    assert "IS NULL" in str(Report.callback_number.is_(None))
