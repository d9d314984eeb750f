"""The portal's pages, one module per concern: front (front page, repair check), filing (the
guided forms), follow (a case by number + code or by account), accounts (sign-up, my cases)."""
