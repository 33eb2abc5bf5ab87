package org.mailslot.server.control;

import com.fasterxml.jackson.databind.JsonNode;

/** The answer to a {@link ControlRequest}: a result, or an error with the reason name of the store's exception. */
record ControlResponse(JsonNode result, String error, String reason) {}
