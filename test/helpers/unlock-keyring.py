#!/usr/bin/python3
# Unlocks the throwaway login keyring of scripts/with-keyring.sh (its password is in CS_KEYRING_PASSWORD)
# through gnome-keyring's own D-Bus interface, since no unlock prompt can be shown headless. Tests only.
import dbus, os, sys
bus = dbus.SessionBus()
svc = bus.get_object('org.freedesktop.secrets', '/org/freedesktop/secrets')
out, session = svc.OpenSession('plain', dbus.String('', variant_level=1), dbus_interface='org.freedesktop.Secret.Service')
iface = dbus.Interface(svc, 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface')
pw = os.environ['CS_KEYRING_PASSWORD'].encode()
secret = dbus.Struct((session, dbus.ByteArray(b''), dbus.ByteArray(pw), 'text/plain'), signature='oayays')
iface.UnlockWithMasterPassword(dbus.ObjectPath('/org/freedesktop/secrets/collection/login'), secret)
print('unlocked')
