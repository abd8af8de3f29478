# A peer outside: connects to HOST:PORT, sends a BitTorrent handshake for INFOHASH (hex), and
# prints the info hash the other side answers with (hex). Exit 1 when nothing answers in time.
import socket, sys
host, port, infohash = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.create_connection((host, port), timeout=10)
s.sendall(b"\x13BitTorrent protocol" + bytes(8) + infohash + b"-NL0001-natlabpeer01")
answer = b""
while len(answer) < 68:
    chunk = s.recv(68 - len(answer))
    if not chunk:
        break
    answer += chunk
print(answer[28:48].hex() if len(answer) == 68 else "short:" + answer.hex())
