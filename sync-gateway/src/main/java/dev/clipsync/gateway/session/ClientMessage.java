package dev.clipsync.gateway.session;

import java.util.UUID;

import dev.clipsync.common.wire.BlobRef;
import dev.clipsync.gateway.clips.ClipDraft;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client may send on a sync connection, read strictly: anything that is not
 * exactly one of these becomes {@link Invalid} with a message saying what is wrong.
 */
sealed interface ClientMessage {

	record Push(ClipDraft draft) implements ClientMessage {
	}

	record Sync(long after) implements ClientMessage {
	}

	record Ping() implements ClientMessage {
	}

	record Auth(String token) implements ClientMessage {
	}

	/**
	 * @param message what is wrong, for the client's developer
	 * @param id the push id, when the message was a push with a readable id
	 */
	record Invalid(String message, @Nullable UUID id) implements ClientMessage {
	}

	static ClientMessage parse(JsonMapper json, String text) {
		JsonNode node;
		try {
			node = json.readTree(text);
		}
		catch (JacksonException ex) {
			return new Invalid("not valid JSON", null);
		}
		if (node == null || !node.isObject()) {
			return new Invalid("a message must be a JSON object", null);
		}
		JsonNode type = node.get("type");
		if (type == null || !type.isString()) {
			return new Invalid("type is required", null);
		}
		return switch (type.asString()) {
			case "push" -> push(node);
			case "sync" -> {
				JsonNode after = node.get("after");
				yield (after != null && after.isIntegralNumber() && after.canConvertToLong() && after.asLong() >= 0)
						? new Sync(after.asLong()) : new Invalid("after must be a seq (an integer >= 0)", null);
			}
			case "ping" -> new Ping();
			case "auth" -> {
				JsonNode token = node.get("token");
				yield (token != null && token.isString() && !token.asString().isBlank()) ? new Auth(token.asString())
						: new Invalid("token is required", null);
			}
			default -> new Invalid("unknown message type", null);
		};
	}

	private static ClientMessage push(JsonNode node) {
		UUID id;
		try {
			JsonNode idNode = node.get("id");
			if (idNode == null || !idNode.isString()) {
				return new Invalid("id is required: a UUID chosen by the client", null);
			}
			id = UUID.fromString(idNode.asString());
		}
		catch (IllegalArgumentException ex) {
			return new Invalid("id must be a UUID", null);
		}
		JsonNode mime = node.get("mime");
		JsonNode data = node.get("data");
		JsonNode encoding = node.get("encoding");
		JsonNode encrypted = node.get("encrypted");
		if (mime == null || !mime.isString()) {
			return new Invalid("mime is required", id);
		}
		JsonNode blobNode = node.get("blob");
		BlobRef blob = null;
		if (blobNode != null && !blobNode.isNull()) {
			blob = blob(blobNode);
			if (blob == null) {
				return new Invalid("blob must be {\"blobId\":<uuid>,\"size\":<bytes>,\"sha256\":<hex>}", id);
			}
		}
		if (data == null && blob != null) {
			data = StringNode.valueOf("");
		}
		if (data == null || !data.isString()) {
			return new Invalid("data is required and must be a string", id);
		}
		if (encoding != null && !encoding.isString() && !encoding.isNull()) {
			return new Invalid("encoding must be utf8 or base64", id);
		}
		if (encrypted != null && !encrypted.isBoolean() && !encrypted.isNull()) {
			return new Invalid("encrypted must be true or false", id);
		}
		JsonNode sensitive = node.get("sensitive");
		if (sensitive != null && !sensitive.isBoolean() && !sensitive.isNull()) {
			return new Invalid("sensitive must be true or false", id);
		}
		String encodingValue = (encoding == null || encoding.isNull()) ? ClipDraft.UTF8 : encoding.asString();
		boolean encryptedValue = encrypted != null && encrypted.asBoolean();
		return new Push(new ClipDraft(id, mime.asString(), data.asString(), encodingValue, encryptedValue,
				sensitive != null && sensitive.asBoolean(), blob));
	}

	private static @Nullable BlobRef blob(JsonNode node) {
		JsonNode blobId = node.get("blobId");
		JsonNode size = node.get("size");
		JsonNode sha256 = node.get("sha256");
		if (blobId == null || !blobId.isString() || size == null || !size.canConvertToLong() || size.asLong() < 0
				|| sha256 == null || !sha256.isString() || !sha256.asString().matches("[0-9a-f]{64}")) {
			return null;
		}
		try {
			return new BlobRef(UUID.fromString(blobId.asString()), size.asLong(), sha256.asString());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
