package dev.clipsync.common.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message published on a user's Redis channel. The {@code type} property names the
 * kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = SignOut.class, name = SignOut.TYPE),
		@JsonSubTypes.Type(value = ClipPublished.class, name = ClipPublished.TYPE),
		@JsonSubTypes.Type(value = PresenceChanged.class, name = PresenceChanged.TYPE) })
public sealed interface UserChannelMessage permits SignOut, ClipPublished, PresenceChanged {

}
