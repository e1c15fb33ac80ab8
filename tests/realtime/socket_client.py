"""A Socket.IO test client for the realtime tests: each event in its own app context, as on a real
server, and what arrived read even after the server closed the socket."""

from extensions import socketio


class Socket:
    def __init__(self, app, client=None, headers=None):
        self.app = app
        with app.app_context():
            self.sio = socketio.test_client(app, flask_test_client=client, headers=headers)

    @property
    def connected(self):
        return self.sio.is_connected()

    def join(self, room):
        with self.app.app_context():
            return self.sio.emit("join", {"room": room}, callback=True)

    def received(self, name):
        """Every `name` event that arrived, read or not (kept even after the server closed the socket)."""
        return [event["args"][0] for event in self.sio.queue if event["name"] == name]

    def events(self, name):
        """The `name` events that arrived since the last read (they are read now)."""
        return [event["args"][0] for event in self.sio.get_received() if event["name"] == name]

    def close(self):
        if self.connected:
            with self.app.app_context():
                self.sio.disconnect()


class Sockets:
    """Opens sockets for a test and closes those still open at its end."""

    def __init__(self, app):
        self.app = app
        self.opened = []

    def __call__(self, client=None, headers=None):
        self.opened.append(Socket(self.app, client, headers))
        return self.opened[-1]

    def close_all(self):
        for socket in self.opened:
            socket.close()
