package dev.clipsync.auth.account;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How emails compare: trimmed, Unicode-normalized (NFC) and lower-cased, so that
 * {@code " Ann@Example.COM"} and {@code "ann@example.com"} are one account.
 */
public final class EmailAddresses {

	private EmailAddresses() {
	}

	/**
	 * The comparison key of an email.
	 * @param email as the client sent it
	 * @return the key uniqueness and login compare
	 */
	public static String key(String email) {
		return Normalizer.normalize(email.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
	}

}
