package org.bitweb.gateway;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The page for requests Jetty refuses before {@link GatewayHandler} sees them (for example a
 * request-target with an encoded {@code ..} or NUL, or an absolute URI whose Host differs): the
 * gateway's own small page with the same safety headers, instead of Jetty's default page.
 */
final class GatewayErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        GatewayHandler.protect(response);
        String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        GatewayHandler.page(request, response, callback, code, HttpStatus.getMessage(code),
                "The gateway refused this request (" + reason + "). " + GatewayHandler.ACCEPTED);
    }
}
