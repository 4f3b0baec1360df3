package dev.clipsync.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.clipsync.client.e2e.ClipCipher;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Push messages from drafts and clips from clip messages, sealing and opening on the way.
 */
final class ClipCodec {

	private final @Nullable ClipCipher cipher;

	ClipCodec(@Nullable ClipCipher cipher) {
		this.cipher = cipher;
	}

	boolean encrypts() {
		return this.cipher != null;
	}

	/** The wire push (without {@code type} it is also the REST body). */
	ObjectNode push(UUID id, Draft draft) {
		Upload upload = draft.upload();
		if (upload != null && (!upload.clipId().equals(id) || upload.sealed() != (this.cipher != null))) {
			// sealed chunks are bound to the clip id, and only a sealed clip may refer to
			// them
			throw new IllegalStateException("the upload belongs to another clip, or end-to-end encryption "
					+ "was turned " + ((this.cipher != null) ? "on" : "off") + " since: upload it again");
		}
		ObjectNode push = Json.mapper.createObjectNode();
		push.put("type", "push");
		push.put("id", id.toString());
		if (this.cipher != null) {
			ObjectNode inner = Json.mapper.createObjectNode();
			inner.put("mime", draft.mime());
			inner.put("encoding", draft.encoding());
			inner.put("data", draft.data());
			if (upload != null) {
				inner.set("blob", ref(upload.content()));
			}
			byte[] plaintext = Json.mapper.writeValueAsString(inner).getBytes(StandardCharsets.UTF_8);
			push.put("mime", ClipCipher.MIME);
			push.put("data", this.cipher.seal(id, plaintext));
			push.put("encoding", "base64");
			push.put("encrypted", true);
		}
		else {
			push.put("mime", draft.mime());
			push.put("data", draft.data());
			push.put("encoding", draft.encoding());
			push.put("encrypted", false);
		}
		if (upload != null) {
			push.set("blob", ref(upload.stored()));
		}
		if (draft.sensitive()) {
			push.put("sensitive", true);
		}
		return push;
	}

	private static ObjectNode ref(BlobRef blob) {
		ObjectNode ref = Json.mapper.createObjectNode();
		ref.put("blobId", blob.blobId().toString());
		ref.put("size", blob.size());
		ref.put("sha256", blob.sha256());
		return ref;
	}

	private static @Nullable BlobRef ref(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		try {
			return new BlobRef(UUID.fromString(node.get("blobId").asString()), node.get("size").asLong(),
					node.get("sha256").asString());
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	Clip clip(JsonNode message) {
		UUID id = UUID.fromString(message.get("id").asString());
		long seq = message.get("seq").asLong();
		UUID from = uuid(message.get("from"));
		Instant createdAt = instant(message.get("createdAt"));
		boolean sensitive = message.path("sensitive").asBoolean(false);
		String mime = message.path("mime").asString("application/octet-stream");
		String encoding = message.path("encoding").asString("utf8");
		String data = message.path("data").asString("");
		if (!message.path("encrypted").asBoolean(false)) {
			return new Clip(seq, id, from, mime, encoding, data, false, false, sensitive, createdAt,
					ref(message.get("blob")));
		}
		if (this.cipher != null) {
			try {
				JsonNode inner = Json.mapper.readTree(this.cipher.open(id, data));
				if (inner.path("mime").isString() && inner.path("data").isString()) {
					return new Clip(seq, id, from, inner.get("mime").asString(),
							inner.path("encoding").asString("utf8"), inner.get("data").asString(), true, false,
							sensitive, createdAt, ref(inner.get("blob")));
				}
			}
			catch (ClipCipher.LockedException | JacksonException ex) {
				// locked: shown as such, never applied
			}
		}
		return new Clip(seq, id, from, mime, encoding, data, true, true, sensitive, createdAt);
	}

	private static @Nullable UUID uuid(@Nullable JsonNode node) {
		try {
			return (node != null && node.isString()) ? UUID.fromString(node.asString()) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static @Nullable Instant instant(@Nullable JsonNode node) {
		try {
			return (node != null && node.isString()) ? Instant.parse(node.asString()) : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
