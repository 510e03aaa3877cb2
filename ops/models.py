"""ops has no tables; this module exists so that post_migrate fires for it (roles sync after all apps)."""
