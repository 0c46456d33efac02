-- Every change to what a token grants (revoked, its role, scopes, expiry or hash) and every
-- removal is announced on the channel `aios_api_token_changes`, the payload the token's id: the
-- API processes that keep tokens they have read forget it at once. Writing `last_used_at` or
-- `uses_left` announces nothing. The trigger sees every writer, whatever path revoked the token.
CREATE FUNCTION "api_token_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aios_api_token_changes', OLD.id);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "api_tokens_changed" AFTER UPDATE ON "api_tokens"
  FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
     OR OLD.role IS DISTINCT FROM NEW.role
     OR OLD.scope IS DISTINCT FROM NEW.scope
     OR OLD.scopes IS DISTINCT FROM NEW.scopes
     OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
     OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
     OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION "api_token_changed"();

CREATE TRIGGER "api_tokens_removed" AFTER DELETE ON "api_tokens"
  FOR EACH ROW EXECUTE FUNCTION "api_token_changed"();

-- Emptying the table forgets every token: the payload `*`.
CREATE FUNCTION "api_tokens_emptied"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aios_api_token_changes', '*');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "api_tokens_truncated" AFTER TRUNCATE ON "api_tokens"
  FOR EACH STATEMENT EXECUTE FUNCTION "api_tokens_emptied"();
