select vendor_id, business_name, is_verified, verified_since is null from public.vendor_storefronts();
