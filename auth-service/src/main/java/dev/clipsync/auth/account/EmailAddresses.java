package dev.clipsync.auth.account;

import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * How emails compare. The key is the trimmed email under NFKC with Unicode case folding,
 * so {@code " Ann@Example.COM"}, {@code "ann@example.com"} and a full-width
 * {@code "ａｎｎ@example.com"} are one account. The skeleton (Unicode confusables, UTS #39)
 * also maps look-alikes together, so {@code "pаypal@example.com"} with a Cyrillic a
 * cannot be registered beside {@code "paypal@example.com"}.
 */
public final class EmailAddresses {

	private static final Normalizer2 NFKC_CASEFOLD = Normalizer2.getNFKCCasefoldInstance();

	private static final SpoofChecker CONFUSABLES = new SpoofChecker.Builder().build();

	private EmailAddresses() {
	}

	/**
	 * The comparison key of an email.
	 * @param email as the client sent it
	 * @return the key uniqueness and login compare
	 */
	public static String key(String email) {
		return NFKC_CASEFOLD.normalize(email.strip());
	}

	/**
	 * What the email looks like: two emails with the same skeleton are visually
	 * confusable, and only one of them may have an account.
	 * @param email as the client sent it
	 * @return the skeleton of its key
	 */
	static String skeleton(String email) {
		return CONFUSABLES.getSkeleton(key(email));
	}

}
