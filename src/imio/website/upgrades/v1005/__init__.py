"""1005: the site's own main template and page layouts, without Diazo."""
