"""Desktop integration: MPRIS2 media controls, single instance, notifications.

Qt-only (QtCore, QtNetwork; D-Bus through jeepney); nothing here imports QtWidgets, so the
pieces can be tested without a window and the composition root decides what to wire.
"""
