#!/bin/sh
# Locks the login collection of the current (throwaway) keyring session. Tests only.
exec gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null
