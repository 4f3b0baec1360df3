package dev.clipsync.auth.account;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import com.nulabinc.zxcvbn.StandardDictionaries;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A new password: at least 12 characters, at most 72 bytes in UTF-8, and not one of the
 * most used passwords. bcrypt only reads 72 bytes, so a longer password is refused rather
 * than silently cut. {@code null} is left to {@code @NotNull}.
 */
@Documented
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Password.Validator.class)
@interface Password {

	int MIN_CHARACTERS = 12;

	int MAX_BYTES = 72;

	String message() default "must be at least 12 characters and at most 72 bytes in UTF-8";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<Password, String> {

		/**
		 * The 30,000 most used passwords of a public corpus of ten million leaked ones,
		 * as zxcvbn ships them (MIT licence), folded like emails.
		 */
		private static final Set<String> COMMON = load();

		@Override
		public boolean isValid(String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			int characters = value.codePointCount(0, value.length());
			int bytes = value.getBytes(StandardCharsets.UTF_8).length;
			if (characters < MIN_CHARACTERS || bytes > MAX_BYTES) {
				return false;
			}
			if (isCommon(value)) {
				context.disableDefaultConstraintViolation();
				context
					.buildConstraintViolationWithTemplate(
							"is one of the most common passwords, which attackers try first; choose another")
					.addConstraintViolation();
				return false;
			}
			return true;
		}

		/**
		 * Whether the password is on the list, ignoring case and width, or is a listed
		 * one with digits and symbols added at the end ({@code Football2024!}): guessing
		 * tools try those right after the list itself, and the list alone has few
		 * passwords as long as ours must be.
		 */
		static boolean isCommon(String password) {
			String folded = EmailAddresses.key(password);
			return COMMON.contains(folded) || COMMON.contains(withoutTrailingNonLetters(folded));
		}

		private static String withoutTrailingNonLetters(String text) {
			int end = text.length();
			while (end > 0 && !Character.isLetter(text.codePointBefore(end))) {
				end -= Character.charCount(text.codePointBefore(end));
			}
			return text.substring(0, end);
		}

		private static Set<String> load() {
			try {
				return StandardDictionaries.PASSWORDS_LOADER.load()
					.getRankedDictionary()
					.keySet()
					.stream()
					.map(EmailAddresses::key)
					.collect(Collectors.toUnmodifiableSet());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
