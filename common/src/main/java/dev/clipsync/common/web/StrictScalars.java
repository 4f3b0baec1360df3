package dev.clipsync.common.web;

import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * A number or boolean where the contract says string is a client bug worth reporting
 * ({@code validation_failed}), not something to coerce silently. Every service that reads
 * JSON bodies builds its mapper with this.
 */
public final class StrictScalars {

	private StrictScalars() {
	}

	/**
	 * Refuse numbers and booleans for string fields.
	 * @param builder the mapper being built (a {@code JsonMapperBuilderCustomizer} fits)
	 */
	public static void refuseNonStringsForText(JsonMapper.Builder builder) {
		builder.withCoercionConfig(LogicalType.Textual,
				(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
	}

}
