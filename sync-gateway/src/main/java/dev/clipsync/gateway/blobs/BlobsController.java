package dev.clipsync.gateway.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.clipsync.common.web.Caller;
import dev.clipsync.common.web.ProblemException;
import dev.clipsync.common.wire.BlobRef;
import dev.clipsync.gateway.GatewayProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Upload ({@code POST /v1/blobs}, the raw bytes as the body) and ranged download
 * ({@code GET /v1/blobs/{id}}), streamed both ways.
 */
@RestController
class BlobsController {

	private static final Logger logger = LoggerFactory.getLogger(BlobsController.class);

	private static final Pattern DIGEST = Pattern.compile("(?i)(?:^|,)\\s*sha-256=:?([A-Za-z0-9+/=]+):?");

	private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

	private final BlobStore store;

	private final BlobStore.Limits limits;

	BlobsController(BlobStore store, GatewayProperties properties) {
		this.store = store;
		this.limits = new BlobStore.Limits(properties.blobs().maxSize().toBytes(),
				properties.blobs().quotaPerUser().toBytes());
	}

	@PostMapping("/v1/blobs")
	ResponseEntity<BlobRef> upload(Caller caller, HttpServletRequest request) throws IOException {
		String mime = request.getContentType();
		if (mime == null || MediaType.parseMediaType(mime).isWildcardType()) {
			throw new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
					"Content-Type required", "Send the blob's media type as Content-Type, e.g. image/png.");
		}
		if (request.getContentLengthLong() > this.limits.maxSize()) {
			throw tooLarge();
		}
		String expected = expectedSha256(request.getHeader("Digest"));
		try {
			BlobRef stored = this.store.save(caller.userId(), mime, request.getInputStream(), expected, this.limits);
			return ResponseEntity.status(HttpStatus.CREATED).body(stored);
		}
		catch (BlobStore.BlobRefused ex) {
			drain(request);
			throw switch (ex.reason()) {
				case TOO_LARGE -> tooLarge();
				case QUOTA_EXCEEDED -> new ProblemException(HttpStatus.INSUFFICIENT_STORAGE, "quota_exceeded",
						"Blob quota exceeded", ex.getMessage());
				case DIGEST_MISMATCH ->
					new ProblemException(HttpStatus.BAD_REQUEST, "digest_mismatch", "Digest mismatch", ex.getMessage());
			};
		}
		catch (IOException ex) {
			// The body broke off: nothing was kept. The client may not hear this.
			logger.debug("Blob upload broke off: {}", ex.toString());
			throw new ProblemException(HttpStatus.BAD_REQUEST, "incomplete_upload", "Upload incomplete",
					"The upload ended before all of its bytes arrived; nothing was stored. Upload it again.");
		}
	}

	@GetMapping("/v1/blobs/{blobId}")
	void download(Caller caller, @PathVariable UUID blobId, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		BlobStore.Blob blob = this.store.find(caller.userId(), blobId)
			.orElseThrow(() -> ProblemException.notFound("No blob " + blobId + "."));
		long size = blob.ref().size();
		long from = 0;
		long to = size - 1;
		String range = request.getHeader(HttpHeaders.RANGE);
		if (range != null) {
			long[] bounds = range(range, size);
			if (bounds == null) {
				throw new ProblemException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range_not_satisfiable",
						"Range not satisfiable", "The blob has " + size
								+ " bytes; ask for a range within them, e.g. bytes=0-" + (size - 1) + ".")
					.withHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
			}
			from = bounds[0];
			to = bounds[1];
			response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
			response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + from + "-" + to + "/" + size);
		}
		response.setContentType(blob.mime());
		response.setHeader(HttpHeaders.ETAG, "\"" + blob.ref().sha256() + "\"");
		response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
		response.setHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable");
		response.setContentLengthLong(Math.max(0, to - from + 1));
		if (size > 0) {
			this.store.read(blob, from, to, response.getOutputStream());
		}
	}

	/**
	 * Read and drop what is left of a refused body, up to the size limit: a client still
	 * sending it would otherwise see the connection reset instead of the refusal.
	 */
	private void drain(HttpServletRequest request) {
		try (InputStream rest = request.getInputStream()) {
			byte[] buffer = new byte[64 * 1024];
			long left = this.limits.maxSize();
			for (int read = rest.read(buffer); read >= 0 && left > 0; read = rest.read(buffer)) {
				left -= read;
			}
		}
		catch (IOException ex) {
			// the client went away: nobody to answer
		}
	}

	private ProblemException tooLarge() {
		return new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "too_large", "Blob too large",
				"A blob may have at most " + this.limits.maxSize() + " bytes.");
	}

	/** {@code Digest: sha-256=<base64>} as hex, or null when absent. */
	private static @Nullable String expectedSha256(@Nullable String header) {
		if (header == null) {
			return null;
		}
		Matcher matcher = DIGEST.matcher(header);
		if (!matcher.find()) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "validation_failed", "Bad Digest header",
					"Give the digest as Digest: sha-256=<base64 of the 32-byte SHA-256>.");
		}
		try {
			byte[] digest = Base64.getDecoder().decode(matcher.group(1));
			if (digest.length != 32) {
				throw new IllegalArgumentException("not 32 bytes");
			}
			return HexFormat.of().formatHex(digest);
		}
		catch (IllegalArgumentException ex) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "validation_failed", "Bad Digest header",
					"The sha-256 digest must be the base64 of 32 bytes.");
		}
	}

	/** A single {@code bytes=} range as inclusive bounds, or null when unsatisfiable. */
	private static long @Nullable [] range(String header, long size) {
		Matcher matcher = RANGE.matcher(header.trim());
		if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
			return null;
		}
		try {
			if (matcher.group(1).isEmpty()) {
				long suffix = Long.parseLong(matcher.group(2));
				return (suffix == 0 || size == 0) ? null : new long[] { Math.max(0, size - suffix), size - 1 };
			}
			long from = Long.parseLong(matcher.group(1));
			long to = matcher.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(matcher.group(2)), size - 1);
			return (from >= size || from > to) ? null : new long[] { from, to };
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
