#!/usr/bin/python3
"""Independent decryptor for Crucible Secrets backups (format version 1).

Written from docs/backup-format.md alone, with no code from the app: it proves that a backup can be
recovered without Crucible Secrets. Uses Debian's python3-argon2 (low-level API) and python3-cryptography.

Usage: decrypt_backup.py FILE [--passphrase-stdin]
Prints the payload JSON on stdout. Exit codes: 0 ok, 3 wrong passphrase, 4 corrupted or modified,
5 unsupported version, 6 unsafe KDF parameters, 2 usage.
"""
import getpass
import hashlib
import hmac
import json
import struct
import sys
import unicodedata

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CSBACKUP"


class Fail(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def corrupted(why):
    return Fail(4, "corrupted or modified: " + why)


def decrypt(data: bytes, passphrase: str) -> dict:
    # §4 step 1
    if len(data) < 12 or data[:8] != MAGIC:
        raise corrupted("not a backup / bad magic")
    # step 2
    (hlen,) = struct.unpack(">H", data[10:12])
    if hlen < 44 or hlen > 4096 or len(data) < hlen:
        raise corrupted("bad header length")
    # step 3: the last 32 header bytes are SHA-256 of the bytes before them
    if not hmac.compare_digest(hashlib.sha256(data[: hlen - 32]).digest(), data[hlen - 32 : hlen]):
        raise corrupted("header checksum")
    # step 4
    (version,) = struct.unpack(">H", data[8:10])
    if version != 1:
        raise Fail(5, "unsupported format version %d" % version)
    if hlen != 140 or data[12] != 1 or data[13] != 1 or data[14:16] != b"\0\0":
        raise corrupted("header fields")
    m, t, p = struct.unpack(">III", data[16:28])
    salt, nonce = data[28:60], data[60:72]
    (n,) = struct.unpack(">I", data[72:76])
    # step 5
    if n > 64 * 1024 * 1024 or len(data) != 140 + n + 16:
        raise corrupted("length (truncated or extra bytes)")
    # step 6: bounds before the KDF
    if not (1 <= p <= 16 and max(65536, 8 * p) <= m <= 1048576 and 3 <= t <= 10 and m * t <= 4194304):
        raise Fail(6, "KDF parameters out of bounds")
    # step 7: Argon2id v0x13, NFKC UTF-8 passphrase, 64-byte output
    pw = unicodedata.normalize("NFKC", passphrase).encode("utf-8")
    out = hash_secret_raw(pw, salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=64, type=Type.ID, version=19)
    enc_key, mac_key = out[:32], out[32:64]
    # step 8: key check
    if not hmac.compare_digest(hmac.new(mac_key, data[:76], hashlib.sha256).digest(), data[76:108]):
        raise Fail(3, "wrong passphrase")
    # step 9: AES-256-GCM, AAD = whole header; cryptography wants ciphertext||tag
    try:
        plain = AESGCM(enc_key).decrypt(nonce, data[140:], data[:140])
    except InvalidTag:
        raise corrupted("authentication failed")
    # step 10
    payload = json.loads(plain.decode("utf-8"))
    if payload.get("kind") != "crucible-secrets-backup" or payload.get("payloadVersion") != 1:
        raise corrupted("payload kind/version")
    return payload


def main(argv):
    args = [a for a in argv if a != "--passphrase-stdin"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if "--passphrase-stdin" in argv:
        passphrase = sys.stdin.readline().rstrip("\r\n")
    else:
        passphrase = getpass.getpass("Backup passphrase: ")
    with open(args[0], "rb") as f:
        data = f.read()
    try:
        payload = decrypt(data, passphrase)
    except Fail as e:
        print("decrypt_backup: %s" % e, file=sys.stderr)
        return e.code
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
