"""The commune site's page layouts: public, transactional and workspace."""
