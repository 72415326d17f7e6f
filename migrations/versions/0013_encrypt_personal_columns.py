"""encrypt personal columns at rest; blind indexes for addresses and reference codes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:30:00

Every personal column becomes TEXT holding AES-256-GCM ciphertext (bot/storage/crypto.py), under the
keys configured for the app (HOLDLINE_DATA_KEYS, HOLDLINE_INDEX_KEY; development keys under instance/).
Existing rows are encrypted in batches; a value already encrypted is left as it is, so a migration
stopped part-way can run again. A report's name keys become blind indexes too: the same-person key
(match_key) as one, the search key (name_key) as a token per word.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel  # noqa: F401

from alembic import op
from bot.reports.fields import match_key, name_key
from bot.storage import crypto

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
# table -> (primary key, {column: kind}); kind: text | json | bytes
ENCRYPTED: dict[str, tuple[str, dict[str, str]]] = {
    'contact': ('id', {'address': 'text'}),
    'conversation': ('contact_id', {'state': 'json'}),
    'message': ('id', {'body': 'text', 'raw_body': 'bytes', 'media': 'json'}),
    'report': ('id', {
        'ref': 'text', 'detained_name': 'text', 'detained_dob': 'text', 'a_number': 'text', 'other_names': 'text',
        'booking_number': 'text', 'defense_lawyer': 'text', 'arrest_details': 'text', 'reporter_name': 'text',
        'reporter_relationship': 'text', 'callback_number': 'text', 'media': 'json',
    }),
    'reportevent': ('id', {'detail': 'json', 'body': 'text'}),
    'outbox': ('id', {'body': 'text', 'content_variables': 'text'}),
}
# table -> {column: its blind index column}
INDEXED = {'contact': {'address': 'address_index'}, 'report': {'ref': 'ref_index', 'detained_dob': 'dob_index'}}
TYPES = {'text': crypto.EncryptedText, 'json': crypto.EncryptedJSON, 'bytes': crypto.EncryptedBytes}
# The types the columns had at 0009, for the way down.
OLD_TYPES: dict[tuple[str, str], Any] = {
    ('contact', 'address'): sa.String(64), ('conversation', 'state'): sa.JSON(), ('message', 'raw_body'): sa.LargeBinary(),
    ('message', 'media'): sa.JSON(), ('report', 'ref'): sa.String(12), ('report', 'detained_dob'): sa.String(10),
    ('report', 'a_number'): sa.String(9), ('report', 'booking_number'): sa.String(40),
    ('report', 'reporter_relationship'): sa.String(200), ('report', 'callback_number'): sa.String(20),
    ('report', 'media'): sa.JSON(), ('reportevent', 'detail'): sa.JSON(),
}


def _batches(conn: Any, table: str, key: str, columns: list[str]) -> Iterator[list[Any]]:
    """Yield the rows of a table in primary key order, BATCH at a time."""
    last: Any = None
    names = ', '.join([key, *columns])
    while True:
        where = '' if last is None else f' WHERE {key} > :last'
        rows = conn.execute(sa.text(f'SELECT {names} FROM {table}{where} ORDER BY {key} LIMIT {BATCH}'), {'last': last}).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _plain_bytes(value: Any, kind: str, postgres: bool) -> bytes:
    """A stored plaintext value as the bytes its encrypted column type would encrypt."""
    if kind == 'bytes':
        if isinstance(value, (bytes, memoryview)):
            return bytes(value)
        import base64

        return base64.b64decode(value) if postgres else str(value).encode('utf-8', 'surrogatepass')
    if kind == 'json':
        import json

        return TYPES[kind]('').to_bytes(json.loads(value) if isinstance(value, str) else value)
    return str(value).encode('utf-8', 'surrogatepass')


def _is_encrypted(keyring: crypto.Keyring, value: Any, context: str) -> bool:
    if not isinstance(value, str) or not value.startswith(crypto.FORMAT + '.'):
        return False
    try:
        keyring.decrypt(value, context)
    except (crypto.UndecryptableError, ValueError):
        return False
    return True


def _plain_text(keyring: crypto.Keyring, value: Any, context: str) -> str:
    """A text column's value as plain text, whether this migration has encrypted it yet or not."""
    if not value:
        return ''
    if _is_encrypted(keyring, value, context):
        return keyring.decrypt(value, context).decode('utf-8', 'surrogatepass')
    return str(value)


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == 'postgresql'
    with op.batch_alter_table('contact', naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch:
        batch.drop_index('ix_contact_address')
        batch.add_column(sa.Column('address_index', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    with op.batch_alter_table('report', naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch:
        batch.drop_constraint('report_ref_key' if postgres else 'uq_report_ref', type_='unique')
        batch.add_column(sa.Column('ref_index', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch.add_column(sa.Column('dob_index', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    for table, (_key, columns) in ENCRYPTED.items():
        with op.batch_alter_table(table) as batch:
            for column, kind in columns.items():
                if (table, column) not in OLD_TYPES:
                    continue  # TEXT already
                using = {'json': f'{column}::text', 'bytes': f"encode({column}, 'base64')"}.get(kind, f'{column}::text')
                batch.alter_column(column, type_=sa.Text(), existing_type=OLD_TYPES[(table, column)],
                                   postgresql_using=using)
    keyring = crypto.keyring()
    for table, (key, columns) in ENCRYPTED.items():
        names = list(columns)
        for rows in _batches(conn, table, key, names):
            for row in rows:
                values: dict[str, Any] = {}
                for column, value in zip(names, row[1:], strict=True):
                    context = f'{table}.{column}'
                    if value is None or _is_encrypted(keyring, value, context):
                        continue
                    values[column] = keyring.encrypt(_plain_bytes(value, columns[column], postgres), context)
                for column, index in INDEXED.get(table, {}).items():
                    plain = dict(zip(names, row[1:], strict=True))[column]
                    if _is_encrypted(keyring, plain, f'{table}.{column}'):
                        plain = keyring.decrypt(plain, f'{table}.{column}').decode('utf-8', 'surrogatepass')
                    values[index] = keyring.blind_index(plain) if plain else None
                if table == 'report':
                    name = _plain_text(keyring, dict(zip(names, row[1:], strict=True))['detained_name'], 'report.detained_name')
                    values['name_key'], values['match_key'] = crypto.name_tokens(name), crypto.match_index(name)
                if values:
                    assignments = ', '.join(f'{name} = :{name}' for name in values)
                    conn.execute(sa.text(f'UPDATE {table} SET {assignments} WHERE {key} = :_key'), {**values, '_key': row[0]})
    with op.batch_alter_table('contact') as batch:
        batch.alter_column('address_index', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch.create_index('ix_contact_address_index', ['address_index'], unique=True)
    with op.batch_alter_table('report') as batch:
        batch.alter_column('ref_index', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch.create_index('ix_report_ref_index', ['ref_index'], unique=True)
        batch.create_index('ix_report_dob_index', ['dob_index'], unique=False)
        batch.drop_index('ix_report_same_person_dob')
        batch.create_index('ix_report_same_person_dob', ['match_key', 'dob_index'], unique=False)


def downgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == 'postgresql'
    keyring = crypto.keyring()
    for table, (key, columns) in ENCRYPTED.items():
        names = list(columns)
        for rows in _batches(conn, table, key, names):
            for row in rows:
                values: dict[str, Any] = {}
                for column, value in zip(names, row[1:], strict=True):
                    context = f'{table}.{column}'
                    if value is None or not _is_encrypted(keyring, value, context):
                        continue
                    raw = keyring.decrypt(value, context)
                    if columns[column] == 'bytes':
                        import base64

                        values[column] = base64.b64encode(raw).decode('ascii') if postgres else raw
                    else:
                        values[column] = raw.decode('utf-8', 'surrogatepass')
                if table == 'report':
                    name = _plain_text(keyring, dict(zip(names, row[1:], strict=True))['detained_name'], 'report.detained_name')
                    values['name_key'], values['match_key'] = name_key(name), match_key(name)
                if values:
                    assignments = ', '.join(f'{name} = :{name}' for name in values)
                    conn.execute(sa.text(f'UPDATE {table} SET {assignments} WHERE {key} = :_key'), {**values, '_key': row[0]})
    for (table, column), old in OLD_TYPES.items():
        using = {sa.JSON: f'{column}::json', sa.LargeBinary: f"decode({column}, 'base64')"}.get(type(old), None)
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=old, existing_type=sa.Text(), postgresql_using=using)
    with op.batch_alter_table('report') as batch:
        batch.drop_index('ix_report_same_person_dob')
        batch.create_index('ix_report_same_person_dob', ['match_key', 'detained_dob'], unique=False)
        batch.drop_index('ix_report_ref_index')
        batch.drop_index('ix_report_dob_index')
        batch.drop_column('ref_index')
        batch.drop_column('dob_index')
        batch.create_unique_constraint('report_ref_key', ['ref'])
    with op.batch_alter_table('contact') as batch:
        batch.drop_index('ix_contact_address_index')
        batch.drop_column('address_index')
        batch.create_index('ix_contact_address', ['address'], unique=True)
