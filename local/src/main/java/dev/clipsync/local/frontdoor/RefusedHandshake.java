package dev.clipsync.local.frontdoor;

import java.io.ByteArrayOutputStream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Keeps the body of a gateway's answer to a handshake it refused (its problem detail
 * saying why), which Netty's handshake exception leaves out: it carries only the status
 * and the headers. Sits on the front door's connection to the gateway, reading and
 * passing on.
 */
final class RefusedHandshake extends ChannelInboundHandlerAdapter {

	static final String NAME = "clipsync.refusedHandshake";

	/** A problem detail is a few hundred bytes; anything past this is not kept. */
	private static final int MAX_BODY = 16 * 1024;

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private boolean refused;

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		record(message);
		super.channelRead(context, message);
	}

	private synchronized void record(Object message) {
		if (message instanceof HttpResponse response) {
			this.refused = !response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS);
		}
		if (this.refused && message instanceof HttpContent content) {
			ByteBuf bytes = content.content();
			int length = Math.min(bytes.readableBytes(), MAX_BODY - this.body.size());
			if (length > 0) {
				byte[] copy = new byte[length];
				bytes.getBytes(bytes.readerIndex(), copy);
				this.body.write(copy, 0, length);
			}
		}
	}

	/** The refusal's body as far as it was read; empty if none. */
	synchronized byte[] body() {
		return this.body.toByteArray();
	}

}
