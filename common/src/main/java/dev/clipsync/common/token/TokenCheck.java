package dev.clipsync.common.token;

/**
 * The whole check of an access token a client presents: signature and claims, then the
 * deny list. Every entry point (REST bearer header, WebSocket handshake, in-band token
 * swap) uses this one.
 */
public final class TokenCheck {

	private final AccessTokenVerifier verifier;

	private final DeviceDenyList denyList;

	public TokenCheck(AccessTokenVerifier verifier, DeviceDenyList denyList) {
		this.verifier = verifier;
		this.denyList = denyList;
	}

	/**
	 * Check a token.
	 * @param compact the token as the client sent it
	 * @return the verified token
	 * @throws InvalidTokenException when it must be refused, including when its device
	 * was signed out after it was issued
	 */
	public AccessToken check(String compact) {
		AccessToken token = this.verifier.verify(compact);
		if (this.denyList.isDenied(token)) {
			throw new InvalidTokenException("device signed out after the token was issued");
		}
		return token;
	}

}
