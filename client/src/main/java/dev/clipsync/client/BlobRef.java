package dev.clipsync.client;

import java.util.UUID;

/**
 * Content stored apart from its clip, as a blob fetched on demand.
 *
 * @param blobId the blob
 * @param size its size in bytes
 * @param sha256 the SHA-256 of its bytes, lower-case hex
 */
public record BlobRef(UUID blobId, long size, String sha256) {

}
