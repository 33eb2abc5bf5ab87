/**
 * The front role (DESIGN.md section 6): stateless servers that own the service addresses. They check a client's
 * login and pass the session on to the master of the account's slot ({@link org.mailslot.front.proxy}), and hand
 * inbound mail to the slots' masters over LMTP, answering the sender only once both copies have it.
 */
package org.mailslot.front;
