package dev.clipsync.auth;

/**
 * Fixed Ed25519 signing keys for tests only, so tests can also forge tokens with the
 * service's own key (expired, wrong issuer...) and check they are refused.
 */
public final class TestKeys {

	/** The active key, configured as a PKCS#8 PEM (as openssl genpkey writes it). */
	public static final String ACTIVE_ID = "test-key-a";

	public static final String ACTIVE_PEM = "-----BEGIN PRIVATE KEY-----"
			+ "MC4CAQAwBQYDK2VwBCIEIPoz+Xe7AVHwbR2H/b043ERIV7b7vcUNO0kK+MPPsYQI" + "-----END PRIVATE KEY-----";

	/**
	 * A second, published but not signing, key configured as a JWK: the next rotation.
	 */
	public static final String NEXT_ID = "test-key-b";

	public static final String NEXT_JWK = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"test-key-b\","
			+ "\"d\":\"TyU5AJK38t0Ct2mRj56CzYj9LpIe2U5Kqmp0kHkNV0Q\","
			+ "\"x\":\"2v-p2sUN2vECkRTysLH0C6G034NsAVi__dlhlANIw18\"}";

	private TestKeys() {
	}

}
