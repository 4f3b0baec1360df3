package dev.clipsync.gateway.session;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written out by hand on a plain socket, for what client libraries do
 * for you and a test must not: never answering a ping, reading the exact handshake reply,
 * splitting a message over frames, sending bytes that are not UTF-8.
 */
final class RawWebSocket {

	private RawWebSocket() {
	}

	/**
	 * Send the upgrade request and read the reply's head.
	 * @param extraHeaders more request header lines, each ending in CRLF
	 * @return the reply's status line and headers
	 */
	static String handshake(Socket socket, String token, String extraHeaders) throws IOException {
		byte[] nonce = new byte[16];
		ThreadLocalRandom.current().nextBytes(nonce);
		String request = "GET /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: clipsync.v1\r\n" + "Authorization: Bearer "
				+ token + "\r\n" + extraHeaders + "\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("closed during handshake");
			}
			head.append((char) b);
		}
		return head.toString();
	}

	/**
	 * Send one frame, masked as a client must.
	 * @param opcode 0x0 continuation, 0x1 text, 0x2 binary, 0x9 ping
	 * @param fin whether it is the message's last frame
	 * @param payload at most 125 bytes
	 */
	static void sendFrame(OutputStream out, int opcode, boolean fin, byte[] payload) throws IOException {
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		out.write((fin ? 0x80 : 0) | opcode);
		out.write(0x80 | payload.length);
		out.write(mask);
		for (int i = 0; i < payload.length; i++) {
			out.write(payload[i] ^ mask[i % 4]);
		}
		out.flush();
	}

	/** Reads server frames until a text frame that contains {@code part}; returns it. */
	static String readTextContaining(InputStream stream, String part) throws IOException {
		DataInputStream in = new DataInputStream(stream);
		while (true) {
			int opcode = in.readUnsignedByte() & 0x0F;
			byte[] payload = in.readNBytes((int) length(in));
			if (opcode == 0x8) {
				throw new IOException("closed before a text frame with " + part);
			}
			String text = new String(payload, StandardCharsets.UTF_8);
			if (opcode == 0x1 && text.contains(part)) {
				return text;
			}
		}
	}

	private static long length(DataInputStream in) throws IOException {
		long length = in.readUnsignedByte() & 0x7F;
		if (length == 126) {
			return in.readUnsignedShort();
		}
		return (length == 127) ? in.readLong() : length;
	}

	/** Reads server frames (unmasked) until a close frame; returns its code. */
	static int readUntilClose(InputStream stream) throws IOException {
		DataInputStream in = new DataInputStream(stream);
		while (true) {
			int opcode = in.readUnsignedByte() & 0x0F;
			byte[] payload = in.readNBytes((int) length(in));
			if (opcode == 0x8) {
				return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
			}
		}
	}

}
