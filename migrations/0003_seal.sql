-- Data keysets for envelope encryption. Owned by portal/seal.
--
-- One Tink AEAD keyset per owner ("conversation:42", "patient:7", …), stored
-- only encrypted ("wrapped") under the key-encryption key, which never enters
-- the database. rotated_at is the last time a new primary key was added.
CREATE TABLE seal_keysets (
    owner      text PRIMARY KEY CHECK (length(owner) BETWEEN 1 AND 200),
    wrapped    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz
);
