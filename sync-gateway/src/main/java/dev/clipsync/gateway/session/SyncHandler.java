package dev.clipsync.gateway.session;

import java.time.Clock;
import java.util.UUID;

import dev.clipsync.common.presence.PresenceReader;
import dev.clipsync.common.token.AccessToken;
import dev.clipsync.common.token.InvalidTokenException;
import dev.clipsync.common.token.TokenCheck;
import dev.clipsync.gateway.GatewayProperties;
import dev.clipsync.gateway.blobs.BlobStore;
import dev.clipsync.gateway.clips.ClipDraft;
import dev.clipsync.gateway.clips.ClipStore;
import dev.clipsync.gateway.clips.PushRates;
import dev.clipsync.gateway.fanout.ClipPublisher;
import dev.clipsync.gateway.presence.PresenceReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.web.socket.CloseStatus;

/**
 * The sync protocol on one WebSocket: welcome, push and ack, sync and synced, ping and
 * pong, in-band token swap, errors. Messages of one connection are handled one at a time,
 * in the order sent, so a connection's pushes are stored in its order.
 */
public class SyncHandler {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandler.class);

	static final String BLOB_UNKNOWN = "the blob is unknown, not finished, or does not match size and sha256: "
			+ "upload it first (POST /v1/blobs) and send the reference it answered";

	private final LocalSessions sessions;

	private final BlobStore blobs;

	private final PushRates pushRates;

	private final PresenceReporter presence;

	private final PresenceReader presenceReader;

	private final ClipStore store;

	private final ClipPublisher publisher;

	private final TokenCheck tokens;

	private final JsonMapper json;

	private final Clock clock;

	private final GatewayProperties properties;

	private final Counter pushes;

	private final Counter duplicates;

	private final Counter refusedPushes;

	public SyncHandler(LocalSessions sessions, ClipStore store, ClipPublisher publisher, TokenCheck tokens,
			JsonMapper json, Clock clock, GatewayProperties properties, MeterRegistry meters, PresenceReporter presence,
			PresenceReader presenceReader, BlobStore blobs, PushRates pushRates) {
		this.sessions = sessions;
		this.pushRates = pushRates;
		this.blobs = blobs;
		this.presence = presence;
		this.presenceReader = presenceReader;
		this.store = store;
		this.publisher = publisher;
		this.tokens = tokens;
		this.json = json;
		this.clock = clock;
		this.properties = properties;
		this.pushes = meters.counter("clipsync.gateway.pushes");
		this.duplicates = meters.counter("clipsync.gateway.pushes.duplicate");
		this.refusedPushes = meters.counter("clipsync.gateway.pushes.refused");
	}

	/**
	 * A connection was upgraded: register its session and greet the client.
	 * @param socket the connection
	 * @param token the checked access token it connected with
	 * @param resumeAfter the seq the client resumes after, or a negative number
	 * @return the session, or null when the connection is refused (it is being closed)
	 */
	@Nullable ClientSession opened(CoreSession socket, AccessToken token, long resumeAfter) {
		GatewayProperties.Connections limits = this.properties.connections();
		ClientSession session = new ClientSession(socket, token.userId(), token.deviceId(), token,
				this.sessions.sessionExecutor(), this.sessions, this.clock);
		// Subscribed to the user's channel before the latest seq is read and the welcome
		// sent: a clip committed after that read is then surely heard on the channel.
		if (!this.sessions.add(session)) {
			session.close(new CloseStatus(LocalSessions.TOO_MANY_CONNECTIONS, "too many connections"));
			return null;
		}
		this.presence.connected(session.sessionId(), token.userId(), token.deviceId(), token.deviceName(),
				token.devicePlatform());
		session.open(
				(latestSeq) -> new ServerMessages.Welcome(token.userId(), token.deviceId(), session.sessionId(),
						latestSeq, limits.heartbeat().toSeconds(), this.properties.clips().maxSize().toBytes()),
				() -> new ServerMessages.Presence(
						this.presenceReader.greeting(token.userId(), token.deviceId(), session.sessionId().toString(),
								token.deviceName(), token.devicePlatform(), this.clock.instant())),
				limits.syncGrace(), resumeAfter, this.sessions.whenListening(token.userId()));
		return session;
	}

	/**
	 * A text message from the client.
	 * @param session its session
	 * @param text the whole message
	 */
	void text(ClientSession session, String text) {
		session.heard(this.clock.millis());
		ClientMessage message = ClientMessage.parse(this.json, text);
		// Only a push says the client will not sync first; pings and token swaps come
		// from timers and may come before the client's sync.
		if (message instanceof ClientMessage.Push) {
			session.clientActive();
		}
		if (!(message instanceof ClientMessage.Invalid)) {
			session.validMessage();
		}
		switch (message) {
			case ClientMessage.Push push -> push(session, push.draft());
			case ClientMessage.Sync sync -> session.replay(sync.after());
			case ClientMessage.Ping ping -> session.send(ServerMessages.Pong.INSTANCE);
			case ClientMessage.Auth auth -> swapToken(session, auth.token());
			case ClientMessage.Invalid invalid -> invalid(session, invalid.message(), invalid.id());
		}
	}

	private void push(ClientSession session, ClipDraft draft) {
		GatewayProperties.Connections limits = this.properties.connections();
		if (!this.pushRates.tryPush(session.deviceId())) {
			this.refusedPushes.increment();
			session.send(new ServerMessages.Error("rate_limited",
					"more than " + limits.pushesPerSecond() + " pushes per second; retry with the same id",
					draft.id()));
			return;
		}
		ClipDraft.Refusal refusal = draft.check(this.properties.clips().maxSize().toBytes());
		if (refusal != null) {
			this.refusedPushes.increment();
			session.send(new ServerMessages.Error(refusal.code(), refusal.message(), draft.id()));
			return;
		}
		ClipStore.Stored stored;
		try {
			if (draft.blob() != null && !this.blobs.attach(session.userId(), draft.blob())) {
				this.refusedPushes.increment();
				session.send(new ServerMessages.Error("invalid_message", BLOB_UNKNOWN, draft.id()));
				return;
			}
			stored = this.store.push(session.userId(), session.deviceId(), session.sessionId(), draft);
		}
		catch (ClipStore.QuotaExceeded ex) {
			this.refusedPushes.increment();
			session.send(new ServerMessages.Error("quota_exceeded", ex.getMessage(), draft.id()));
			return;
		}
		catch (DataAccessException ex) {
			logger.warn("Push not stored: {}", ex.toString());
			session.send(
					new ServerMessages.Error("unavailable", "storage unavailable; retry with the same id", draft.id()));
			return;
		}
		long seq = stored.clip().seq();
		session.onOwnPush(seq);
		session.send(new ServerMessages.Ack(draft.id(), seq, stored.duplicate()));
		if (stored.duplicate()) {
			this.duplicates.increment();
			return;
		}
		this.pushes.increment();
		this.publisher.publish(session.userId(), stored.clip());
	}

	private void swapToken(ClientSession session, String token) {
		try {
			AccessToken swapped = this.tokens.check(token);
			if (!swapped.userId().equals(session.userId()) || !swapped.deviceId().equals(session.deviceId())) {
				session.send(new ServerMessages.Error("unauthorized", "the token is for another device", null));
				return;
			}
			session.tokenSwapped(swapped);
			session.send(new ServerMessages.Authed(swapped.expiresAt()));
		}
		catch (InvalidTokenException ex) {
			session.send(new ServerMessages.Error("unauthorized", "the token is invalid, expired or revoked", null));
		}
		catch (DataAccessException ex) {
			// The deny list cannot be read: keep the token in force and say so.
			session.send(new ServerMessages.Error("unavailable",
					"the token cannot be checked right now; send auth again in a few seconds", null));
		}
	}

	private void invalid(ClientSession session, String message, UUID id) {
		session.send(new ServerMessages.Error("invalid_message", message, id));
		if (session.invalidMessage() >= this.properties.connections().maxInvalidMessages()) {
			session.close(CloseStatus.POLICY_VIOLATION.withReason("too many invalid messages"));
		}
	}

	/** The client answered a WebSocket ping. */
	void pong(ClientSession session) {
		session.heard(this.clock.millis());
	}

	/** The protocol is text only. */
	void binary(ClientSession session) {
		session.close(CloseStatus.NOT_ACCEPTABLE.withReason("text frames only"));
	}

	/** The connection has ended, whoever ended it. */
	void closed(ClientSession session) {
		this.sessions.remove(session);
		this.presence.disconnected(session.sessionId());
	}

}
