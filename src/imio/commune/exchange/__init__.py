"""Moving a commune site to another database: export, import, inventory.

plone.exportimport carries the content, users, groups and relations; this
package adds what it leaves out: the cases' submitted data, attachments and
access codes, and the site's answers, then checks that nothing was lost.
"""
