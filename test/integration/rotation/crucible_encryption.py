"""Python peer for the re-encryption tests: Crucible's own derivation and Fernet (service/app/core/encryption.py,
crucible-facts.md §5.1), with Debian's python3-cryptography. Reads one JSON request on stdin, prints JSON.

  {"op": "encrypt", "key": K, "rows": {id: {provider: plaintext}}}  -> {id: json.dumps({provider: token})}
  {"op": "decrypt", "key": K, "rows": {id: json_text}}              -> {id: {provider: plaintext or null if it fails}}
"""
import base64
import json
import sys

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC


def fernet_for(key_str):
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b"crucible_encryption_salt", iterations=100000)
    return Fernet(base64.urlsafe_b64encode(kdf.derive(key_str.encode())))


req = json.load(sys.stdin)
f = fernet_for(req["key"])
out = {}
if req["op"] == "encrypt":
    for row_id, values in req["rows"].items():
        # SQLAlchemy's JSON type serialises with json.dumps defaults, as below.
        out[row_id] = json.dumps({p: f.encrypt(v.encode()).decode() for p, v in values.items()})
elif req["op"] == "decrypt":
    for row_id, text in req["rows"].items():
        res = {}
        for p, token in json.loads(text).items():
            try:
                res[p] = f.decrypt(token.encode()).decode()
            except InvalidToken:
                res[p] = None
        out[row_id] = res
json.dump(out, sys.stdout)
