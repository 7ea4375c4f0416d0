"""The service layer: what pages call, between the pages and `data_access`.

One module per page's subject. Each public function takes the database URL and the user's
`Scope` first, then the page's filters; it checks the scope's right to the subject before
anything is read or served from the cache (`services.base.service`), and it is the only place
that caches (`st.cache_data` with a TTL, keyed by the URL, the Scope and the filters). Outside
`pages/`, `ui/` and `dashboard.py`, no other package imports Streamlit.
"""
