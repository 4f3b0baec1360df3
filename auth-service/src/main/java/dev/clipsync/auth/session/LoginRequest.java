package dev.clipsync.auth.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;

import dev.clipsync.auth.web.PlainText;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Login with either a new device to register or the id of an existing one.
 *
 * @param email the account's email
 * @param password the account's password
 * @param device a device to register
 * @param deviceId an existing device of the account
 */
@LoginRequest.OneDevice
record LoginRequest(@NotBlank @Size(max = 254) String email, @NotNull @Size(max = 1024) String password,
		@Valid @Nullable NewDevice device, @Nullable UUID deviceId) {

	/**
	 * @param name what the user calls the device ("Work laptop")
	 * @param platform what it runs ("macos", "android", ...)
	 */
	record NewDevice(@NotBlank @Size(max = 100) @PlainText String name,
			@NotBlank @Size(max = 32) @PlainText String platform) {
	}

	/** Exactly one of {@code device} and {@code deviceId}, reported on {@code device}. */
	@Documented
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Constraint(validatedBy = OneDevice.Validator.class)
	@interface OneDevice {

		String message() default "give exactly one of device and deviceId";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

		class Validator implements ConstraintValidator<OneDevice, LoginRequest> {

			@Override
			public boolean isValid(LoginRequest request, ConstraintValidatorContext context) {
				if ((request.device() == null) != (request.deviceId() == null)) {
					return true;
				}
				String message = (request.device() == null)
						? "is required: give device {\"name\",\"platform\"} to sign in a new device, "
								+ "or deviceId to sign in again on a device you already have"
						: "and deviceId were both given; give only one of them";
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(message.replace("{", "\\{").replace("}", "\\}"))
					.addPropertyNode("device")
					.addConstraintViolation();
				return false;
			}

		}

	}

}
